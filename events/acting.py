"""Calling the services with a signed identity (ADR 12): a nameko proxy
(a standalone ``ClusterRpcProxy``, or a service's ``RpcProxy``) wrapped so
that each call carries an assertion minted for that call alone.

Whom the assertion names: a fixed actor (``coordonare-act`` acting for one
person), or else the actor dict the call passes first, which is how every
caller already spells its calls (``rpc.cases.get_case(actor, case_id)``).
The gateway, the operator's command, the demo seeding, the benchmarks and
the tests all call through this one wrapper, each with its own key.
"""

from __future__ import annotations

from typing import Any

from events.identity import IDENTITY, SigningKey


class SignedMethod:
    def __init__(self, proxy: Any, signer: Signer, command_id: str | None = None) -> None:
        self.proxy, self.signer, self.command_id = proxy, signer, command_id

    def as_command(self, command_id: str) -> SignedMethod:
        """This method called as the command ``command_id`` (the service
        records it under that id and acts on it once, ``events.commands``)."""
        return SignedMethod(self.proxy, self.signer, command_id)

    def _sign(self, args: tuple, kwargs: dict) -> None:
        context = self.proxy.worker_ctx.data  # (``context_data`` is a copy)
        actor = self.signer.actor or (args[0] if args and isinstance(args[0], dict) else None)
        if actor is None:  # nobody to vouch for: the call goes unsigned
            context.pop(IDENTITY, None)
            return
        context[IDENTITY] = self.signer.key.mint(
            actor,
            self.proxy.service_name,
            self.proxy.method_name,
            args,
            kwargs,
            operator=self.signer.operator,
            command_id=self.command_id,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._sign(args, kwargs)
        return self.proxy(*args, **kwargs)

    def call_async(self, *args: Any, **kwargs: Any) -> Any:
        # the context is read when the message is published, before this returns
        self._sign(args, kwargs)
        return self.proxy.call_async(*args, **kwargs)


class SignedService:
    def __init__(self, proxy: Any, signer: Signer) -> None:
        self._proxy, self._signer = proxy, signer

    def __getattr__(self, method: str) -> SignedMethod:
        if method.startswith("_"):
            raise AttributeError(method)
        return SignedMethod(getattr(self._proxy, method), self._signer)


class Signer:
    """A key, and for whom it signs: the given actor, or each call's own."""

    def __init__(
        self, key: SigningKey, actor: dict[str, Any] | None = None, operator: str | None = None
    ) -> None:
        self.key, self.actor, self.operator = key, actor, operator

    def service(self, proxy: Any) -> SignedService:
        """A service proxy (``cluster.cases`` or a service's ``RpcProxy``)."""
        return SignedService(proxy, self)

    def cluster(self, proxy: Any) -> SignedCluster:
        """A standalone ``ClusterRpcProxy``'s proxy, as ``__enter__`` returns it."""
        return SignedCluster(proxy, self)


class SignedCluster:
    def __init__(self, proxy: Any, signer: Signer) -> None:
        self._proxy, self._signer = proxy, signer

    def __getattr__(self, service: str) -> SignedService:
        if service.startswith("_"):
            raise AttributeError(service)
        return SignedService(getattr(self._proxy, service), self._signer)

    def __getitem__(self, service: str) -> SignedService:
        return getattr(self, service)
