"""Access matrix rows of this module (see tests/access/__init__.py for the shape).

The objects: a draft plan of 2040 (the plan operations: leaders and the secretariat see it, members do not: 404),
and an organised topic of this year's published plan whose group is org.member (member2 is in no group: 404),
with a scheme file. The secretariat manages; leaders read everything and take no action; members read the
published plan and their own topics. POST-only pages answer GET with 405 to those who pass the permission."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import supervision as make
from zhengxie.supervision.services import scheme_file_add

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "supervision:plan_list":        (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "supervision:plan_new":         (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "supervision:plan_detail":      (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "supervision:plan_act":         (302, 403,  403,  405,  405,  403,   403,  403,  403,  405,   405),
    "supervision:topic_detail":     (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "supervision:topic_act":        (302, 403,  403,  405,  405,  403,   403,  403,  403,  405,   405),
    "supervision:scheme_upload":    (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "supervision:scheme_download":  (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/supervision-plans":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "POST /api/v1/supervision-plans":
                                    (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/supervision-plans/{supervision_plan_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  404,   404),
    "POST /api/v1/supervision-plans/{supervision_plan_id}/actions/{action}":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  404,   404),
    "GET /api/v1/supervision-topics":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "GET /api/v1/supervision-topics/{supervision_topic_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "POST /api/v1/supervision-topics/{supervision_topic_id}/actions/{action}":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  403,   404),
    "POST /api/v1/supervision-topics/{supervision_topic_id}/scheme-files":
                                    (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   404),
}
# fmt: on


def _draft(o):
    return o.once("supervision_draft_plan", lambda: make.draft_plan(o.org, year=2040, topics=["区交通运输局整体工作"]))


def _topic(o):
    return o.once("supervision_topic", lambda: make.organised(o.org))


def _scheme_file(o):
    return o.once(
        "supervision_scheme_file",
        lambda: scheme_file_add(topic_id=_topic(o).pk, actor=o.users["staff"], name="实施方案.pdf", data=PDF),
    )


URL_KWARGS: dict[str, Callable] = {
    "supervision:plan_detail": lambda o: {"pk": _topic(o).plan_id},
    "supervision:plan_act": lambda o: {"pk": _topic(o).plan_id, "action": "publish"},
    "supervision:topic_detail": lambda o: {"pk": _topic(o).pk},
    "supervision:topic_act": lambda o: {"pk": _topic(o).pk, "action": "write_scheme"},
    "supervision:scheme_upload": lambda o: {"pk": _topic(o).pk},
    "supervision:scheme_download": lambda o: {"pk": _topic(o).pk, "file_pk": _scheme_file(o).pk},
}
API_OBJECTS: dict[str, Callable] = {
    "supervision_plan_id": lambda o: _draft(o).pk,
    "supervision_topic_id": lambda o: _topic(o).pk,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/supervision-plans/{supervision_plan_id}/actions/{action}": {"action": "add_topic"},
    "POST /api/v1/supervision-topics/{supervision_topic_id}/actions/{action}": {"action": "write_scheme"},
}
MULTIPART_API: set[str] = {"POST /api/v1/supervision-topics/{supervision_topic_id}/scheme-files"}


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/supervision-plans":
        return {"year": 2041}
    if op == "POST /api/v1/supervision-plans/{supervision_plan_id}/actions/{action}":
        return {"title": "西部物流园建设", "form": "inspection", "department_id": org.unit.pk}
    if op == "POST /api/v1/supervision-topics/{supervision_topic_id}/actions/{action}":
        return {"scheme": "一、监督目的；二、时间安排。"}
    if op == "POST /api/v1/supervision-topics/{supervision_topic_id}/scheme-files":
        return {"file": SimpleUploadedFile("实施方案.pdf", PDF, content_type="application/pdf")}
    return None
