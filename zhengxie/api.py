"""The public API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from zhengxie.accounts.services import api_token_user
from zhengxie.core import api_errors


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionCookie(APIKeyCookie):
    """Pages' own calls use the browser session (with CSRF on writes)."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="Zhengxie API",
    version="1",
    description=(
        "政协履职工作平台 API. Authenticate with POST /api/v1/auth/token "
        "and send `Authorization: Bearer <token>`."
    ),
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
)
api_errors.install(api)

from zhengxie.accounts.api import router as accounts_router  # noqa: E402
from zhengxie.people.api import router as people_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", people_router)
