"""Baseline for the RPC benchmarks: a nameko service that does nothing."""

from nameko.rpc import rpc


class EchoService:
    name = "echo"

    @rpc
    def echo(self, value: object) -> object:
        return value
