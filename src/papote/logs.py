"""Structured logs: JSON lines in production, readable lines in development.

Standard-library loggers go through structlog's formatter, so every module can use
``logging.getLogger(__name__)``. Secrets, tokens and raw IP addresses are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sys

import structlog

# uvicorn's own client lines: '%s - "WebSocket %s" [accepted]', '%s - "GET / HTTP/1.1" 200'
_CLIENT_LINE = '%s - "'


class ClientAddressFilter(logging.Filter):
    """uvicorn's lines name the client's address: replace it with a keyed hash.

    The hash is the one of rate limits and evidence (``ip:<16 hex>``), so a line can
    still be matched with another of the same client, but never read as an address.
    """

    def __init__(self, secret: bytes) -> None:
        super().__init__()
        self._key = hmac.new(secret, b"papote.logs.ip", hashlib.sha256).digest()

    def _hashed(self, address: object) -> str:
        host = str(address).rsplit(":", 1)[0].strip("[]")
        return "ip:" + hmac.new(self._key, host.encode(), hashlib.sha256).hexdigest()[:16]

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            record.name.startswith("uvicorn")
            and isinstance(record.msg, str)
            and record.msg.startswith(_CLIENT_LINE)
            and isinstance(record.args, tuple)
            and record.args
        ):
            record.args = (self._hashed(record.args[0]), *record.args[1:])
        return True


def configure(*, json_logs: bool, level: str = "INFO", secret: bytes = b"") -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if json_logs else structlog.dev.set_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(ClientAddressFilter(secret or b"papote"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
