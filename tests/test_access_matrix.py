"""The authorization matrix: every URL and every API operation, the status each role gets.

Every URL pattern Django knows and every operation in the OpenAPI schema must have a row in the tables below;
a new page or endpoint without one fails ``test_every_url_is_in_the_matrix`` / ``test_every_api_operation_is_in_the
_matrix``, so nothing ships without someone deciding who may reach it.

Pages are requested with GET: anonymous -> 302 to sign-in; permitted -> 200; not permitted -> 403; an object the
role may not see -> 404; POST-only views answer 405 to a permitted GET. Refused roles are also sent a POST, which
must be refused the same way without changing a single row.
"""

import datetime
from urllib.parse import quote

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.core.testing import PASSWORD, ROLE_KEYS
from zhengxie.duty.activities import activity_act, activity_create
from zhengxie.notifications.services import notify
from zhengxie.people.models import UnitStaff
from zhengxie.workdays.services import correction_set

pytestmark = pytest.mark.django_db

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "core:home":                    (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:login":               (200, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    "accounts:logout":              (405, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:logout_everywhere":   (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:profile":             (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:password_change":     (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:sign_in_history":     (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:revoke_token":        (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:otp_setup":           (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Without a confirmed device the verify page sends everyone to set one up.
    "accounts:otp_verify":          (302, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    "people:member_list":           (302, 200,  200,  200,  200,  403,   403,  403,  403,  200,   403),
    # member2's record: the convener of another sector may use the roster but not see this member.
    "people:member_detail":         (302, 200,  200,  200,  200,  403,   403,  403,  403,  404,   403),
    "people:unit_list":             (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "people:unit_detail":           (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "people:organisation":          (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Managing members: secretariat and admin. The export follows the roster (a convener gets their sector).
    "people:member_create":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_edit":           (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_status":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import_confirm": (302, 405,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import_template":(302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_export":         (302, 200,  200,  200,  200,  403,   403,  403,  403,  200,   403),
    # Managing units: secretariat, proposal office and admin. The export follows the unit list.
    "people:unit_create":           (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_edit":             (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_staff_add":        (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_staff_remove":     (302, 405,  405,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import":           (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import_confirm":   (302, 405,  405,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import_template":  (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_export":           (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "notifications:list":           (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "notifications:mark_read":      (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "notifications:mark_all_read":  (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "notifications:preferences":    (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "workdays:calendar":            (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "workdays:delete_correction":   (302, 405,  403,  403,  403,  403,   403,  403,  403,  403,   403),
    "audit:list":                   (302, 200,  403,  403,  403,  403,   403,  403,  403,  403,   403),
    "set_language":                 (302, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    # The API's own pages: the schema and its documentation are public (they hold no data); the bare prefix is 404.
    "api:openapi-json":             (200, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "api:openapi-view":             (200, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "api:api-root":                 (404, 404,  404,  404,  404,  404,   404,  404,  404,  404,   404),
}

# API operations, called with a bearer token of the role (anonymous: no token).
#                                         anon admin office staff leader overs. unit  u-lead unit2 member member2
API: dict[str, tuple[int, ...]] = {
    # Anonymous sends wrong credentials; every role sends its own.
    "POST /api/v1/auth/token":            (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "DELETE /api/v1/auth/token":          (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/me":                     (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Lists answer 200 to every signed-in role; what each sees is asserted in accounts/tests/test_api.py.
    "GET /api/v1/members":                (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/members/{member_id}":    (401, 200,  200,  200,  200,  404,   404,  404,  404,  404,   200),
    "GET /api/v1/units":                  (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/units/{unit_id}":        (401, 200,  200,  200,  200,  200,   200,  200,  404,  200,   200),
    # Activities: the secretariat organises and sees all; a member sees those they are invited to (member2 here).
    "GET /api/v1/activities":             (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "POST /api/v1/activities":            (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/activities/{activity_id}":
                                          (401, 404,  404,  200,  404,  404,   404,  404,  404,  404,   200),
    "GET /api/v1/activities/{activity_id}/check-in-code":
                                          (401, 404,  404,  200,  404,  404,   404,  404,  404,  404,   403),
    "POST /api/v1/activities/{activity_id}/actions/{action}":
                                          (401, 404,  404,  403,  404,  404,   404,  404,  404,  404,   200),
    # Duty archive of member2: the member, the secretariat, leaders and admins (a convener only their sector).
    "GET /api/v1/members/{member_id}/duty":
                                          (401, 200,  404,  200,  200,  404,   404,  404,  404,  404,   200),
}
# fmt: on

# Operations that need no credentials (everything else must declare an auth method).
PUBLIC_API = {"POST /api/v1/auth/token"}

# The ninja views that are not operations; they are checked as pages above.
NINJA_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}
# ninja's root view only works out the URL prefix and answers 404; it cannot carry a decorator.
NO_ZX_PERMISSION_NEEDED = {"api:api-root": "ninja's URL-prefix marker; answers 404 and serves nothing"}


def _url_kwargs(org) -> dict[str, dict]:
    """Arguments for URLs that take them, all pointing at objects of the ``org`` fixture."""
    token = api_token_issue(user=org.users["member2"])[1]
    notification = notify(recipients=[org.users["member2"]], kind="test", title="给李委员的通知")[0]
    correction = correction_set(
        actor=org.users["admin"], date=datetime.date(2026, 12, 5), is_working_day=True, note="测试"
    )
    unit_post = UnitStaff.objects.get(unit=org.unit, user=org.users["unit"])
    return {
        "people:member_detail": {"pk": org.member2.pk},
        "people:member_edit": {"pk": org.member2.pk},
        "people:member_status": {"pk": org.member2.pk},
        "people:unit_detail": {"pk": org.unit.pk},
        "people:unit_edit": {"pk": org.unit.pk},
        "people:unit_staff_add": {"pk": org.unit.pk},
        "people:unit_staff_remove": {"pk": org.unit.pk, "staff_pk": unit_post.pk},
        "accounts:revoke_token": {"token_id": token.pk},
        "notifications:mark_read": {"pk": notification.pk},
        "workdays:delete_correction": {"pk": correction.pk},
    }


def _api_objects(org) -> dict:
    """Objects the API operations are called on, made through the services: a published activity to which only
    member2 (sector 教育) is invited."""
    start = timezone.now() + datetime.timedelta(days=10)
    activity = activity_create(
        actor=org.users["staff"],
        data={
            "title": "教育界别调研",
            "kind": "research",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=3)).isoformat(),
            "place": "区政协三楼会议室",
            "invitees": {"sector_ids": [org.other_sector.pk]},
        },
    )
    activity_act(activity_id=activity.pk, action="publish", actor=org.users["staff"])
    return {"member_id": org.member2.pk, "unit_id": org.unit.pk, "activity_id": activity.pk, "start": start}


# Path parameters beyond the shared ones above, per operation.
API_PATH_PARAMS: dict[str, dict] = {
    # Asking leave is the invitee's action; the organiser and everyone else must be refused.
    "POST /api/v1/activities/{activity_id}/actions/{action}": {"action": "request_leave"},
}


def _api_body(op: str, org, objects: dict) -> dict | None:
    if op == "POST /api/v1/activities":
        start = objects["start"] + datetime.timedelta(days=1)
        return {
            "title": "新的活动",
            "kind": "inspection",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "place": "新建区",
            "invitees": {"all": True},
        }
    if op == "POST /api/v1/activities/{activity_id}/actions/{action}":
        return {"reason": "出差"}
    return None


def _walk(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full_ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern), p


def _all_url_patterns() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _api_paths() -> set[str]:
    return set(api.get_openapi_schema()["paths"])


def _is_api_operation(name: str) -> bool:
    return name is not None and name.startswith("api:") and name not in NINJA_PAGES


def _page_names() -> set[str]:
    return {name for name, _route, _p in _all_url_patterns() if not _is_api_operation(name)}


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in {"sessions.Session"} and not m._meta.proxy
    }


def _url_for(url_name: str, org) -> str:
    kwargs = _url_kwargs(org)
    route = next(route for name, route, _p in _all_url_patterns() if name == url_name)
    if "<" in route and url_name not in kwargs:
        pytest.fail(f"{url_name} ({route}) takes arguments: add them to _url_kwargs in tests/test_access_matrix.py")
    return reverse(url_name, kwargs=kwargs.get(url_name, {}))


def _client(client_for, org, role_key):
    return client_for(None if role_key == "anonymous" else org.users[role_key])


def _login_redirect(url: str) -> str:
    return f"{reverse('accounts:login')}?next={quote(url)}"


# Coverage ------------------------------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    # given every URL pattern the project serves
    unnamed = sorted(route for name, route, _p in _all_url_patterns() if not name)
    missing = sorted(_page_names() - set(PAGES))
    stale = sorted(set(PAGES) - _page_names())
    # then each has a row (and no row is left over from a removed URL)
    assert unnamed == [], f"URL patterns without a name cannot be checked: {unnamed}"
    assert missing == [], f"add these URLs to PAGES in tests/test_access_matrix.py: {missing}"
    assert stale == [], f"these PAGES rows name URLs that no longer exist: {stale}"


def test_every_api_operation_is_in_the_matrix():
    ops = _api_operations()
    missing = sorted(ops - set(API))
    stale = sorted(set(API) - ops)
    assert missing == [], f"add these API operations to API in tests/test_access_matrix.py: {missing}"
    assert stale == [], f"these API rows name operations that no longer exist: {stale}"


def test_every_api_url_pattern_is_an_operation_in_the_schema():
    # An endpoint mounted under api: but missing from the schema would escape the API table.
    paths = _api_paths()
    routes = {
        "/" + route.replace("<", "{").replace(">", "}")
        for name, route, _p in _all_url_patterns()
        if _is_api_operation(name)
    }
    assert sorted(routes - paths) == []
    assert len(routes) == len(paths)


def test_every_view_declares_its_permission():
    offenders = sorted(
        name
        for name, _route, p in _all_url_patterns()
        if not _is_api_operation(name)
        and name not in NO_ZX_PERMISSION_NEEDED
        and not hasattr(p.callback, "zx_permission")
    )
    assert offenders == [], f"views without @require(...) or @public: {offenders}"


def test_every_api_operation_declares_authentication():
    schema = api.get_openapi_schema()
    unauthenticated = sorted(
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not op.get("security")
    )
    assert unauthenticated == sorted(PUBLIC_API)


def test_the_matrix_rows_have_one_status_per_role():
    assert {name: len(row) for name, row in {**PAGES, **API}.items() if len(row) != len(ROLE_KEYS)} == {}


# Pages ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_page_access(url_name, org, client_for):
    # given the URL filled with the fixture's objects
    if url_name not in _page_names():
        pytest.fail(f"{url_name} is in PAGES but no longer exists")
    url = _url_for(url_name, org)
    # when each role requests it
    actual = {}
    for role_key in ROLE_KEYS:
        response = _client(client_for, org, role_key).get(url)
        actual[role_key] = response.status_code
        if role_key == "anonymous" and response.status_code == 302 and PAGES[url_name][0] == 302:
            expected_target = _login_redirect(url) if url_name not in {"set_language"} else "/"
            assert response["Location"] == expected_target, (url_name, response["Location"])
    # then each gets exactly the status in the table
    expected = dict(zip(ROLE_KEYS, PAGES[url_name], strict=True))
    assert actual == expected, {k: (expected[k], actual[k]) for k in ROLE_KEYS if expected[k] != actual[k]}


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_refused_roles_cannot_post_either(url_name, org, client_for):
    """A role refused on GET (sign-in redirect, 403, 404) is refused on POST too, and nothing is written."""
    url = _url_for(url_name, org)
    expected = dict(zip(ROLE_KEYS, PAGES[url_name], strict=True))
    refused = {
        k: status
        for k, status in expected.items()
        if status in (403, 404) or (k == "anonymous" and status == 302 and url_name != "set_language")
    }
    if not refused:
        pytest.skip(f"no role is refused {url_name}")
    clients = {k: _client(client_for, org, k) for k in refused}
    before = _row_counts()
    # when each refused role posts to it
    actual = {
        k: clients[k].post(url, {"date": "2026-12-12", "is_working_day": "1", "note": "x"}).status_code for k in refused
    }
    # then it is refused as on GET and no table changed
    assert actual == refused
    assert _row_counts() == before


# API -----------------------------------------------------------------------------------------------------------


def _api_call(client, op: str, org, objects: dict, role_key: str, token: str | None):
    method, path = op.split(" ", 1)
    for param, value in {**objects, **API_PATH_PARAMS.get(op, {})}.items():
        path = path.replace("{" + param + "}", str(value))
    if "{" in path:
        pytest.fail(f"{op}: add its path parameters to _api_objects or API_PATH_PARAMS")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if op == "POST /api/v1/auth/token":
        username = "nobody" if role_key == "anonymous" else org.users[role_key].username
        password = "wrong-password" if role_key == "anonymous" else PASSWORD
        return client.post(path, {"username": username, "password": password}, content_type="application/json")
    body = _api_body(op, org, objects)
    if body is not None:
        return getattr(client, method.lower())(path, body, content_type="application/json", **headers)
    return getattr(client, method.lower())(path, **headers)


@pytest.mark.parametrize("op", sorted(API))
def test_api_access(op, org, client):
    # given a bearer token for each role
    tokens = {k: (None if k == "anonymous" else api_token_issue(user=org.users[k])[0]) for k in ROLE_KEYS}
    objects = _api_objects(org)
    # when each role calls the operation
    actual = {}
    for role_key in ROLE_KEYS:
        response = _api_call(client, op, org, objects, role_key, tokens[role_key])
        actual[role_key] = response.status_code
        if response.status_code >= 400:
            assert "message" in response.json(), (op, role_key, response.content)
    # then each gets exactly the status in the table
    expected = dict(zip(ROLE_KEYS, API[op], strict=True))
    assert actual == expected, {k: (expected[k], actual[k]) for k in ROLE_KEYS if expected[k] != actual[k]}


@pytest.mark.parametrize("op", sorted(API))
def test_refused_api_calls_change_nothing(op, org, client):
    tokens = {k: (None if k == "anonymous" else api_token_issue(user=org.users[k])[0]) for k in ROLE_KEYS}
    expected = dict(zip(ROLE_KEYS, API[op], strict=True))
    refused = {k: s for k, s in expected.items() if s in (401, 403, 404) and op != "POST /api/v1/auth/token"}
    if not refused:
        pytest.skip(f"no role is refused {op} (the failed sign-in record is checked in accounts tests)")
    objects = _api_objects(org)
    before = _row_counts()
    actual = {k: _api_call(client, op, org, objects, k, tokens[k]).status_code for k in refused}
    assert actual == refused
    assert _row_counts() == before


# POST-only views: the wrong user's object ----------------------------------------------------------------------


def test_revoking_someone_elses_token_changes_nothing(org, client_for):
    # given a token of member2
    raw, token = api_token_issue(user=org.users["member2"])
    # when member posts its revocation
    response = client_for(org.users["member"]).post(reverse("accounts:revoke_token", kwargs={"token_id": token.pk}))
    # then member lands on their own profile and member2's token still works
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_anonymous_cannot_revoke_a_token(org, client_for):
    raw, token = api_token_issue(user=org.users["member2"])
    url = reverse("accounts:revoke_token", kwargs={"token_id": token.pk})
    response = client_for(None).post(url)
    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_cannot_sign_anyone_out_everywhere(org, client_for):
    epochs = dict(org.users["member"].__class__.objects.values_list("pk", "session_epoch"))
    url = reverse("accounts:logout_everywhere")
    response = client_for(None).post(url)
    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url)
    assert dict(org.users["member"].__class__.objects.values_list("pk", "session_epoch")) == epochs


def test_marking_someone_elses_notification_read_changes_nothing(org, client_for):
    # given a notification for member2
    n = notify(recipients=[org.users["member2"]], kind="test", title="给李委员")[0]
    # when member posts "mark read" for it
    response = client_for(org.users["member"]).post(reverse("notifications:mark_read", kwargs={"pk": n.pk}))
    # then it stays unread
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_the_callers_notifications(org, client_for):
    mine = notify(recipients=[org.users["member"]], kind="test", title="给张委员")[0]
    theirs = notify(recipients=[org.users["member2"]], kind="test", title="给李委员")[0]
    response = client_for(org.users["member"]).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_anonymous_post_to_mark_all_read_changes_nothing(org, client_for):
    n = notify(recipients=[org.users["member"]], kind="test", title="给张委员")[0]
    response = client_for(None).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is None
