"""Requests too large to accept are refused from their declared length, before their body is read.

Django streams a multipart upload to a temporary file whatever its size, and only then does a view see it; its
``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts the fields but not the files. A request's ``Content-Length`` says how much it
will send (under WSGI nothing past it is ever read, and a request without one has an empty body), so a request
declaring more than its view accepts is answered 413 at once:

- a view that receives a file is marked with ``accepts_upload(max_bytes)`` (pages) or decorated through ninja's
  ``decorate_view(api_accepts_upload(max_bytes))`` (API operations): it accepts the file's limit plus
  ``MULTIPART_ALLOWANCE`` for the form's other fields and the multipart framing;
- every other request may declare at most ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE``.

For pages, ``RequestSizeMiddleware`` applies both in ``process_view``, ahead of the CSRF check (which reads a form's
fields, and so the whole body). The API's operations are exempt from that check and read nothing before they run:
each checks as it starts (``api_request_ceiling`` on every operation, ``api_accepts_upload`` on those taking a file),
and answers in the API's error shape (``{"message", "errors"}``). A page shows a readable page with a way back.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# The multipart framing and the form's small fields (the CSRF token, a reply id) on top of the file itself.
MULTIPART_ALLOWANCE = 64 * 1024

API_PREFIX = "/api/"


def declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:g}"


def _upload_refusal(max_bytes: int) -> tuple[str, dict]:
    message = _("文件超过 %(mb)s MB 的上限，未被接收。") % {"mb": _megabytes(max_bytes)}
    return message, {"file": _("过大")}


def _request_refusal(max_bytes: int) -> tuple[str, dict]:
    return _("提交的内容超过 %(mb)s MB 的上限，未被接收。") % {"mb": _megabytes(max_bytes)}, {}


def _api_response(message: str, errors: dict) -> JsonResponse:
    body = {"message": message}
    if errors:
        body["errors"] = [{"field": k, "message": v} for k, v in errors.items()]
    return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})


def _page_response(request, message: str):
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "core/too_large.html", {"message": message, "back": back}, status=413)


def accepts_upload(max_bytes: Callable[[], int]):
    """Marks a page view as receiving one file of at most ``max_bytes()`` bytes (read when the request comes, so a
    changed setting applies); ``RequestSizeMiddleware`` refuses a request declaring more."""

    def mark(view):
        view.upload_max_bytes = max_bytes
        return view

    return mark


def api_accepts_upload(max_bytes: Callable[[], int]):
    """For ninja's ``decorate_view``: the operation refuses a request declaring more than ``max_bytes()`` (plus the
    multipart allowance) with the API's 413, before its parameters, and so the file, are read."""

    def decorator(run):
        @functools.wraps(run)
        def checked(request, *args, **kwargs):
            limit = max_bytes()
            if declared_length(request) > limit + MULTIPART_ALLOWANCE:
                return _api_response(*_upload_refusal(limit))
            return run(request, *args, **kwargs)

        checked.upload_max_bytes = max_bytes
        return checked

    return decorator


def api_request_ceiling(run):
    """For ``NinjaAPI.add_decorator(..., mode="view")``: every operation that takes no file refuses a request
    declaring more than ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE``, before its parameters are read."""
    if getattr(run, "upload_max_bytes", None) is not None:
        return run

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        ceiling = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if ceiling is not None and declared_length(request) > ceiling:
            return _api_response(*_request_refusal(ceiling))
        return run(request, *args, **kwargs)

    return checked


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX):
            return None  # the API's operations check for themselves (``api_request_ceiling``, ``api_accepts_upload``)
        length = declared_length(request)
        upload_limit = getattr(view_func, "upload_max_bytes", None)
        if upload_limit is not None:
            limit = upload_limit()
            if length <= limit + MULTIPART_ALLOWANCE:
                return None
            message, _errors = _upload_refusal(limit)
        else:
            ceiling = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if ceiling is None or length <= ceiling:
                return None
            message, _errors = _request_refusal(ceiling)
        return _page_response(request, message)
