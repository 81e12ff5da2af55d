"""The API's error contract: JSON ``{"message": ..., "errors"?: [...]}`` with 401, 403, 404, 409 or 422."""

from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhengxie.core.api_body import refusal_behind
from zhengxie.core.exceptions import ActionRefused
from zhengxie.core.field_words import invalid_message


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ApiError(Schema):
    """The body of every refusal (the OpenAPI's ``ApiError``)."""

    message: str
    errors: list[FieldErrorOut] | None = None


def refusals(*codes: int) -> dict:
    """``response=`` entries declaring that an operation answers ``codes`` with the API's error body."""
    return dict.fromkeys(codes, ApiError)


class Conflict(HttpError):
    def __init__(self, message: str):
        super().__init__(409, message)


class Forbidden(HttpError):
    def __init__(self, message: str = "您无权执行此操作。"):
        super().__init__(403, message)


class NotFound(HttpError):
    def __init__(self, message: str = "对象不存在或您无权查看。"):
        super().__init__(404, message)


class Invalid(HttpError):
    def __init__(self, message: str, errors: list | None = None):
        super().__init__(422, message)
        self.errors = errors or []


def _field(loc) -> str | None:
    """The client's name for the field: ``loc`` is (source, field...) for query and path parameters but
    (source, the view's body parameter, field...) for bodies, and that parameter name means nothing to a client."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


def install(api) -> None:
    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return api.create_response(request, {"message": "未登录或令牌无效。"}, status=401)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc):
        errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
        message = invalid_message(exc.errors, _field)  # the first field named in words
        return api.create_response(request, {"message": message, "errors": errors}, status=422)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(request, {"message": "对象不存在或您无权查看。"}, status=404)

    @api.exception_handler(ActionRefused)
    def _refused(request, exc):
        body = {"message": exc.message}
        if exc.errors:
            body["errors"] = [{"field": k, "message": str(v)} for k, v in exc.errors.items()]
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        refusal = refusal_behind(exc)
        if refusal is not None:
            return _refused(request, refusal)
        body = {"message": str(exc)}
        if getattr(exc, "errors", None):
            body["errors"] = exc.errors
        return api.create_response(request, body, status=exc.status_code)
