"""Keeps the current request's client address and user available to services that write audit rows."""

import contextvars
import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_current_request = contextvars.ContextVar("zhengxie_request", default=None)


def current_request():
    return _current_request.get()


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; the proxies are configured as IPv4.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> str:
    """The address of whoever sent ``request``: the one place the sign-in history, the audit trail and login
    throttling (``AXES_CLIENT_IP_CALLABLE``) take it from.

    ``X-Forwarded-For`` is written by the client as much as by any proxy, so it is believed only when the direct peer
    is one of ``settings.TRUSTED_PROXIES``; then each trusted proxy appended the address it was connected from, and
    the right-most entry that is not itself a trusted proxy is the client. Entries to its left are the client's own
    words and are never read (docs/operations.md, "Behind a reverse proxy").
    """
    if request is None:
        return ""
    peer = request.META.get("REMOTE_ADDR", "")[:64]
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer_address = _address(peer)
    if not networks or peer_address is None or not _trusted(peer_address, networks):
        return peer
    nearest = str(peer_address)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            # A trusted proxy appends addresses only: the chain cannot be believed past this entry.
            return nearest
        if not _trusted(hop_address, networks):
            return str(hop_address)
        nearest = str(hop_address)
    return nearest


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
