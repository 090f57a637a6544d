"""Nameko's HTTP entrypoint, made to hand the API every path: nameko's own
router would answer a path it cannot match (a newline in an id, a double
slash) with an HTML page of its own; here every path reaches the gateway,
which answers with a problem (RFC 9457).

The operator's endpoint (``/metrics``) is served on a second address,
``GATEWAY_ADMIN_ADDRESS`` (default ``127.0.0.1:8100``), which is not the
public port: a metric's labels (routes, refusal codes, counts) are for the
county's monitoring, not for whoever reaches the API."""

from __future__ import annotations

import os
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, parse_address
from werkzeug.routing import Map, PathConverter

from events.nameko import SignatureReadOnce


class AnyPath(PathConverter):
    regex = r"[\s\S]*"
    part_isolating = False  # werkzeug infers True (no "/" in the regex): one segment only


class GatewayWebServer(WebServer):
    def make_url_map(self) -> Map:
        url_map = Map(converters={"any": AnyPath}, merge_slashes=False, strict_slashes=False)
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map


class GatewayHttp(SignatureReadOnce, HttpRequestHandler):
    server = GatewayWebServer()


def http(method: str, url: str, **kwargs: Any) -> Any:
    return GatewayHttp.decorator(method, url, **kwargs)


ADMIN_ADDRESS = "127.0.0.1:8100"


class AdminWebServer(WebServer):
    """A server of its own (nameko shares one server per extension class) on
    the admin address: the container's config ``GATEWAY_ADMIN_ADDRESS``, else
    the environment's, else loopback."""

    @property
    def bind_addr(self) -> Any:
        address = self.container.config.get("GATEWAY_ADMIN_ADDRESS") or os.environ.get(
            "GATEWAY_ADMIN_ADDRESS", ADMIN_ADDRESS
        )
        return parse_address(address)

    @property
    def port(self) -> int:
        """The port it listens on (the one the system chose, for port 0)."""
        return self._sock.getsockname()[1]


class AdminHttp(HttpRequestHandler):
    server = AdminWebServer()


def admin_http(method: str, url: str, **kwargs: Any) -> Any:
    return AdminHttp.decorator(method, url, **kwargs)
