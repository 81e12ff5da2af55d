"""Access matrix rows of this module (see tests/access/__init__.py for the shape)."""

from collections.abc import Callable

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    # The leaders' overview and its downloads: leaders, secretariat, overseers (followup.overview).
    "followup:leaders":             (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    "followup:leaders_xlsx":        (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    "followup:leaders_report":      (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/followup/overview":      (401, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
}
# fmt: on

URL_KWARGS: dict[str, Callable] = {}
API_OBJECTS: dict[str, Callable] = {}
API_PATH_PARAMS: dict[str, dict] = {}
MULTIPART_API: set[str] = set()


def api_body(op: str, org, objects) -> dict | None:
    return None
