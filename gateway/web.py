"""Nameko's HTTP entrypoint, made to hand the API every path: nameko's own
router would answer a path it cannot match (a newline in an id, a double
slash) with an HTML page of its own; here every path reaches the gateway,
which answers with a problem (RFC 9457)."""

from __future__ import annotations

from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.routing import Map, PathConverter


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


class GatewayHttp(HttpRequestHandler):
    server = GatewayWebServer()


def http(method: str, url: str, **kwargs: Any) -> Any:
    return GatewayHttp.decorator(method, url, **kwargs)
