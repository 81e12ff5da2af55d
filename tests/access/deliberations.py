"""Access matrix rows of this module (see tests/access/__init__.py for the shape).

The objects: an open deliberation for org.sector's members (member is invited; member2, of 教育, is not: 404), with
one opinion by member, and a draft (for the edit form). The secretariat manages; leaders read every deliberation
but take no action; posting is for invited members only (403 to those who see it without an invitation)."""

from collections.abc import Callable

from tests.builders.deliberations import draft_deliberation, open_deliberation, opinion

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "deliberations:list":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "deliberations:new":            (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "deliberations:detail":         (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "deliberations:edit":           (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    # POST-only actions: opened with GET they lead back to the deliberation's page.
    "deliberations:act":            (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   404),
    "deliberations:post_act":       (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   404),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/deliberations":    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "GET /api/v1/deliberations/{deliberation_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "POST /api/v1/deliberations/{deliberation_id}/posts":
                                    (401, 403,  403,  403,  403,  403,   403,  403,  403,  201,   404),
    "POST /api/v1/deliberations/{deliberation_id}/actions/{action}":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  403,   404),
    "POST /api/v1/deliberation-posts/{post_id}/actions/{action}":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  403,   404),
}
# fmt: on


def _open(o):
    return o.once("deliberation", lambda: open_deliberation(o.org))


def _draft(o):
    return o.once("deliberation_draft", lambda: draft_deliberation(o.org, title="预制菜产业链"))


def _post(o):
    return o.once("deliberation_post", lambda: opinion(o.org, _open(o)))


URL_KWARGS: dict[str, Callable] = {
    "deliberations:detail": lambda o: {"pk": _open(o).pk},
    "deliberations:edit": lambda o: {"pk": _draft(o).pk},
    "deliberations:act": lambda o: {"pk": _open(o).pk, "action": "close"},
    "deliberations:post_act": lambda o: {"pk": _post(o).pk, "action": "select"},
}
API_OBJECTS: dict[str, Callable] = {
    "deliberation_id": lambda o: _open(o).pk,
    "post_id": lambda o: _post(o).pk,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/deliberations/{deliberation_id}/actions/{action}": {"action": "close"},
    "POST /api/v1/deliberation-posts/{post_id}/actions/{action}": {"action": "select"},
}
MULTIPART_API: set[str] = set()


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/deliberations/{deliberation_id}/posts":
        return {"text": "建议加快老旧小区燃气管道改造。", "reply_to": None}
    if op in API and "/actions/" in op:  # close and select take no input
        return {}
    return None
