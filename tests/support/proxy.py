"""A TCP proxy in front of the real broker that a test can cut and restore:
the broker "goes down" for one client without disturbing anyone else's."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from eventlet.patcher import original

# Real OS threads and sockets: the proxy plays the network, outside the
# eventlet hub that the code under test runs on.
socket = original("socket")
threading = original("threading")
if TYPE_CHECKING:
    from socket import socket as Socket


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self._sockets: list[Socket] = []
        self._frozen: set[Socket] = set()
        # a connection being opened as the proxy is cut is either cut with
        # the others or refused, never left through
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @classmethod
    def in_front_of(cls, amqp_uri: str) -> CuttableProxy:
        parts = urlsplit(amqp_uri)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5672)

    def uri(self, amqp_uri: str) -> str:
        """``amqp_uri`` (its account and vhost) through this proxy."""
        parts = urlsplit(amqp_uri)
        account = f"{parts.username}:{parts.password}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{account}127.0.0.1:{self.port}"))

    def cut(self) -> None:
        """Drops every open connection and refuses new ones."""
        with self._lock:
            self.up = False
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def freeze(self) -> None:
        """The open connections go silent both ways, with no close and no
        reset — a half-open connection, as when the far host vanished; new
        connections pass."""
        self._frozen.update(self._sockets)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if not self.up:  # cut meanwhile
                    client.close()
                    upstream.close()
                    continue
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: Socket, sink: Socket) -> None:
        try:
            while data := source.recv(65536):
                if source not in self._frozen:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()
