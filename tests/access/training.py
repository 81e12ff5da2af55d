"""Access matrix rows of this module (see tests/access/__init__.py for the shape).

The objects: this year's published plan (members read it), a training class, a seminar inviting member alone
(member2 is not invited: 404) with a paper member submitted. The secretariat (``staff``) manages everything; leaders
read plans and the members short of hours; the paper action sent is ``review`` (the secretariat's)."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import training as make
from zhengxie.training import services

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "training:plan_list":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "training:plan_create":         (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:plan_detail":         (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "training:plan_act":            (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:item_add":            (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:item_activity":       (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:class_detail":        (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "training:class_hours":         (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:course_add":          (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:attendee_hours":      (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:course_remove":       (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:seminar_detail":      (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   404),
    "training:paper_submit":        (302, 403,  403,  405,  403,  403,   403,  403,  403,  405,   405),
    "training:paper_act":           (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "training:paper_file":          (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   404),
    "training:shortfall":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "training:shortfall_xlsx":      (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "training:requirement_set":     (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/training-plans":   (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "GET /api/v1/training-plans/{training_plan_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "GET /api/v1/seminars/{seminar_id}/papers":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  200,   404),
    # Members invited submit; the secretariat is no author (403), member2 is not invited (404).
    "POST /api/v1/seminars/{seminar_id}/papers":
                                    (401, 403,  403,  403,  403,  403,   403,  403,  403,  201,   404),
    "POST /api/v1/seminar-papers/{seminar_paper_id}/actions/{action}":
                                    (401, 403,  403,  200,  403,  403,   403,  403,  403,  403,   404),
    # member2's hours: their own, the secretariat's and leaders'; member may not see another member's (404).
    "GET /api/v1/members/{member_id}/study-hours":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  404,   200),
}
# fmt: on


def _plan(o):
    return o.once("training_plan", lambda: make.plan(o.org, publish=True))


def _class(o):
    return o.once("training_class", lambda: make.training_class(o.org)[1])


def _course(o):
    staff = o.org.users["staff"]
    return o.once(
        "training_course",
        lambda: services.course_add(actor=staff, class_id=_class(o).pk, title="课程", teacher="教师", hours=1),
    )


def _seminar(o):
    return o.once("training_seminar", lambda: make.seminar(o.org, member_ids=[o.org.member.pk]))


def _paper(o):
    return o.once("training_paper", lambda: make.paper(o.org, _seminar(o)))


URL_KWARGS: dict[str, Callable] = {
    "training:plan_detail": lambda o: {"plan_id": _plan(o).pk},
    "training:plan_act": lambda o: {"plan_id": _plan(o).pk, "action": "publish"},
    "training:item_add": lambda o: {"plan_id": _plan(o).pk},
    "training:item_activity": lambda o: {"item_id": _plan(o).items.first().pk},
    "training:class_detail": lambda o: {"class_id": _class(o).pk},
    "training:class_hours": lambda o: {"class_id": _class(o).pk},
    "training:course_add": lambda o: {"class_id": _class(o).pk},
    "training:attendee_hours": lambda o: {"class_id": _class(o).pk},
    "training:course_remove": lambda o: {"course_id": _course(o).pk},
    "training:seminar_detail": lambda o: {"seminar_id": _seminar(o).pk},
    "training:paper_submit": lambda o: {"seminar_id": _seminar(o).pk},
    "training:paper_act": lambda o: {"paper_id": _paper(o).pk, "action": "review"},
    "training:paper_file": lambda o: {"paper_id": _paper(o).pk},
}
API_OBJECTS: dict[str, Callable] = {
    "training_plan_id": lambda o: _plan(o).pk,
    "seminar_id": lambda o: _seminar(o).pk,
    "seminar_paper_id": lambda o: _paper(o).pk,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/seminar-papers/{seminar_paper_id}/actions/{action}": {"action": "review"},
}
MULTIPART_API: set[str] = {"POST /api/v1/seminars/{seminar_id}/papers"}


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/seminars/{seminar_id}/papers":
        return {
            "title": "论基层协商民主",
            "abstract": "摘要",
            "file": SimpleUploadedFile("paper.pdf", make.PDF, content_type="application/pdf"),
        }
    if op == "POST /api/v1/seminar-papers/{seminar_paper_id}/actions/{action}":
        return {"decision": "accept", "comment": ""}
    return None
