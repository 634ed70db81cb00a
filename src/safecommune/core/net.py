"""Who is on the other end: the client's address for rate limits and sign-in lockouts.

Behind a reverse proxy every request arrives from the proxy's address, so counting by
``REMOTE_ADDR`` would put every resident in one bucket (ten public reports an hour for the
whole province) and lock everyone out at once. ``SAFECOMMUNE_TRUSTED_PROXIES`` names the
proxies (addresses or networks); from a trusted proxy the client is the right-most address in
``X-Forwarded-For`` that is not itself a trusted proxy. Without trusted proxies the header is
ignored: anyone can write it, and believing it would let a caller pick their own bucket.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    # Checked when the settings load (a bad value stops the server with its name).
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _address(raw: str):
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _client(request):
    """The client's address (an ``ipaddress`` object), or ``REMOTE_ADDR`` as it is when that
    is no address."""
    peer = request.META.get("REMOTE_ADDR", "")
    current = _address(peer)
    trusted = _trusted(tuple(settings.SAFECOMMUNE_TRUSTED_PROXIES))
    if not trusted or current is None:
        return peer if current is None else current
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    while any(current in network for network in trusted) and hops:
        previous = _address(hops.pop())
        if previous is None:  # garbage left of a trusted hop: the trusted hop is all we know
            break
        current = previous
    return current


def client_ip(request) -> str:
    """The client's IP address (axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    return str(_client(request))


def client_address(request) -> str:
    """The client as rate limits count it: its IPv4 address, or its IPv6 /64 (one subscriber
    usually holds a whole /64 and could otherwise step through it)."""
    address = _client(request)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
