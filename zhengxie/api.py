"""The public API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from zhengxie.accounts.roles import STAFF_ROLES
from zhengxie.accounts.services import api_token_user
from zhengxie.core import api_errors
from zhengxie.core.access import public, roles_of
from zhengxie.core.api_body import CheckedParser
from zhengxie.core.api_render import CommitteeTimeRenderer
from zhengxie.core.api_schema import with_common_responses
from zhengxie.core.request_size import api_request_ceiling


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

    def __call__(self, request):
        # CSRF protects a signed-in browser session; a request without one (say, a token client whose token has
        # expired) has nothing to protect and must get the 401 that tells it to sign in again, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if settings.ZHENGXIE_REQUIRE_STAFF_OTP and roles_of(user) & STAFF_ROLES and not user.is_verified():
            # The pages send such a session to two-factor first; the API must not be the way around it.
            return None
        return user


class ZhengxieAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return with_common_responses(super().get_openapi_schema(*args, **kwargs))


api = ZhengxieAPI(
    title="Zhengxie API",
    version="1",
    description=(
        "政协履职工作平台 API. Authenticate with POST /api/v1/auth/token and send `Authorization: Bearer <token>`."
    ),
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
    parser=CheckedParser(),
    renderer=CommitteeTimeRenderer(),
    # The schema and its docs describe the endpoints and hold no data; marked public so the access matrix knows.
    docs_decorator=public,
)
api_errors.install(api)
# Before an operation reads its parameters: a request declaring a body larger than it accepts is refused with 413.
api.add_decorator(api_request_ceiling, mode="view")

from zhengxie.accounts.api import router as accounts_router  # noqa: E402
from zhengxie.consultations.api import router as consultations_router  # noqa: E402
from zhengxie.deliberations.api import router as deliberations_router  # noqa: E402
from zhengxie.duty.api import router as duty_router  # noqa: E402
from zhengxie.followup.api import router as followup_router  # noqa: E402
from zhengxie.followup.api_leaders import router as followup_leaders_router  # noqa: E402
from zhengxie.opinions.api import router as opinions_router  # noqa: E402
from zhengxie.opinions.api_outputs import router as opinion_outputs_router  # noqa: E402
from zhengxie.people.api import router as people_router  # noqa: E402
from zhengxie.people.api_reference import router as people_reference_router  # noqa: E402
from zhengxie.proposals.api import router as proposals_router  # noqa: E402
from zhengxie.proposals.api_batch import router as proposal_batch_router  # noqa: E402
from zhengxie.proposals.api_reference import router as proposal_reference_router  # noqa: E402
from zhengxie.proposals.api_reports import router as proposal_reports_router  # noqa: E402
from zhengxie.search.api import router as search_router  # noqa: E402
from zhengxie.similarity.api import router as similarity_router  # noqa: E402
from zhengxie.suggest.api import router as suggest_router  # noqa: E402
from zhengxie.supervision.api import router as supervision_router  # noqa: E402
from zhengxie.training.api import router as training_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", people_reference_router)
api.add_router("/", proposal_reference_router)
# Reports first: "/proposals/statistics" must not be read as "/proposals/{id}".
api.add_router("/", proposal_reports_router)
api.add_router("/", proposal_batch_router)
api.add_router("/", similarity_router)
api.add_router("/", suggest_router)  # before /proposals/{id}
api.add_router("/", proposals_router)
api.add_router("/", duty_router)
api.add_router("/", search_router)
api.add_router("/", followup_leaders_router)  # "/followup/overview" before the follow-up's own paths
api.add_router("/", followup_router)
api.add_router("/", consultations_router)
api.add_router("/", supervision_router)
api.add_router("/", deliberations_router)
api.add_router("/", opinion_outputs_router)  # before /opinions/{id}
api.add_router("/", opinions_router)
api.add_router("/", training_router)
