"""The client's address, hashed at the edge: the raw IP never goes further."""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

from papote.actions.services import Services
from papote.safety.age_gate import hash_ip


def client_ip(conn: HTTPConnection) -> str:
    # uvicorn applies X-Forwarded-For only from trusted proxies (--forwarded-allow-ips)
    return conn.client.host if conn.client else "0.0.0.0"


def client_ip_hash(svc: Services, conn: HTTPConnection) -> str:
    return hash_ip(client_ip(conn), svc.settings.secret)


def address_prefix(ip: str) -> str:
    """The network a client is counted in: an IPv4 address, or an IPv6 /64 (one home's
    or one phone's allocation)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)
