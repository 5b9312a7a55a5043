"""Prometheus metrics on a listener of their own, never on the public port.

``PAPOTE_METRICS_ADDR`` ("host:port", loopback by default; "" turns it off) is where
the scraper reads ``/metrics``: online users, moderation counts and process details
are for operators, not for the Internet. See docs/operations.md.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


def start(addr: str) -> Any:
    """Start the listener in a thread of this process; None when turned off or taken."""
    if not addr:
        return None
    host, _, port = addr.rpartition(":")
    try:
        server, _thread = start_http_server(int(port), addr=host.strip("[]") or "127.0.0.1")
    except (OSError, ValueError) as exc:
        # another node of this machine holds it: serve chat anyway, say so once
        log.warning("metrics listener not started", extra={"addr": addr, "error": str(exc)})
        return None
    log.info("metrics listener", extra={"addr": addr})
    return server


def stop(server: Any) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
