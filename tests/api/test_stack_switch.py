"""The picows stack's edges that need no server: which requests go to picows, and the
client's address through a trusted proxy (uvicorn's rule, as for HTTP)."""

from __future__ import annotations

from multidict import CIMultiDict
from picows import WSUpgradeRequest
from starlette.applications import Starlette

from papote.api.stack_switch import is_ws_upgrade
from papote.api.ws_picows import PicowsFront


def test_only_websocket_upgrades_of_the_gateway_go_to_picows() -> None:
    upgrade = b"Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade"
    assert is_ws_upgrade(b"GET /api/v1/ws HTTP/1.1\r\n" + upgrade)
    assert is_ws_upgrade(b"GET /api/v1/ws?v=1 HTTP/1.1\r\nupgrade:  WebSocket\r\n")
    assert not is_ws_upgrade(b"GET /api/v1/ws HTTP/1.1\r\nHost: x")  # a plain GET
    assert not is_ws_upgrade(b"GET /api/v1/wsx HTTP/1.1\r\n" + upgrade)
    assert not is_ws_upgrade(b"GET / HTTP/1.1\r\n" + upgrade)
    assert not is_ws_upgrade(b"POST /api/v1/ws HTTP/1.1\r\n" + upgrade)
    assert not is_ws_upgrade(b"garbage")


def _request(forwarded: list[str]) -> WSUpgradeRequest:
    request = WSUpgradeRequest()
    request.method, request.path, request.version = b"GET", b"/api/v1/ws", b"HTTP/1.1"
    request.headers = CIMultiDict([("X-Forwarded-For", value) for value in forwarded])
    return request


def test_forwarded_for_is_read_from_trusted_proxies_only() -> None:
    front = PicowsFront(Starlette(), 1 << 20)
    spoofed = _request(["203.0.113.9"])
    assert front.client_ip(spoofed, "127.0.0.1") == "127.0.0.1"  # no --proxy: the peer
    front.trust_proxies("127.0.0.1")
    assert front.client_ip(spoofed, "127.0.0.1") == "203.0.113.9"
    assert front.client_ip(spoofed, "198.51.100.7") == "198.51.100.7"  # not our proxy
    chain = _request(["203.0.113.9, 127.0.0.1"])  # the first untrusted from the right
    assert front.client_ip(chain, "127.0.0.1") == "203.0.113.9"
    assert front.client_ip(_request([]), "127.0.0.1") == "127.0.0.1"
