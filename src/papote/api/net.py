"""The client's address, hashed at the edge: the raw IP never goes further."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from papote.actions.services import Services
from papote.safety.age_gate import hash_ip


def client_ip(conn: HTTPConnection) -> str:
    # uvicorn applies X-Forwarded-For only from trusted proxies (--forwarded-allow-ips)
    return conn.client.host if conn.client else "0.0.0.0"


def client_ip_hash(svc: Services, conn: HTTPConnection) -> str:
    return hash_ip(client_ip(conn), svc.settings.secret)
