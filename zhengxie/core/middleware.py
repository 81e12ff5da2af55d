"""Keeps the current request's client address and user available to services that write audit rows."""

import contextvars

_current_request = contextvars.ContextVar("zhengxie_request", default=None)


def current_request():
    return _current_request.get()


def client_address(request) -> str:
    if request is None:
        return ""
    # Behind the reverse proxy documented in docs/operations.md the first X-Forwarded-For entry is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
