"""Access matrix rows of this module (see tests/access/__init__.py for the shape).

Objects: a published 2026 plan of two items (members read it; the secretariat and leaders read every version), a
consultation of its first item in the briefing stage with a PDF material, and a key research topic still at its
topic (the consultation of the API's rows) with a PDF material. The secretariat runs everything; leaders read plans
and consultations and record plan steps; members read published plans and suggest topics; other roles reach nothing
of this module."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import consultations as make
from zhengxie.consultations.services import material_add

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "consultations:plan_list":      (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "consultations:plan_create":    (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "consultations:plan_detail":    (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    # An action's address opened rather than posted leads to the plan's page.
    "consultations:plan_act":       (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   302),
    "consultations:list":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "consultations:new":            (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "consultations:detail":         (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "consultations:act":            (302, 403,  403,  302,  302,  403,   403,  403,  403,  403,   403),
    "consultations:material_upload":(302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "consultations:material_download":
                                    (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    # Suggestions: members see their own, the secretariat and leaders all; members and the secretariat submit.
    "consultations:suggestions":    (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "consultations:suggest":        (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   200),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/consultation-plans":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    # A new year's plan is the secretariat's.
    "POST /api/v1/consultation-plans":
                                    (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/consultation-plans/{plan_id}":
                                    (401, 404,  404,  200,  200,  404,   404,  404,  404,  200,   200),
    # amend (the published plan): the secretariat's; leaders and members see it but may not.
    "POST /api/v1/consultation-plans/{plan_id}/actions/{action}":
                                    (401, 404,  404,  200,  403,  404,   404,  404,  404,  403,   403),
    "GET /api/v1/consultations":    (401, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "POST /api/v1/consultations":   (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/consultations/{consultation_id}":
                                    (401, 404,  404,  200,  200,  404,   404,  404,  404,  404,   404),
    # start_research (the key research topic): the secretariat's; leaders see it but may not.
    "POST /api/v1/consultations/{consultation_id}/actions/{action}":
                                    (401, 404,  404,  200,  403,  404,   404,  404,  404,  404,   404),
    # Materials: uploaded by the secretariat (leaders read the consultation but may not: 403), downloaded by its
    # readers; everyone else does not see the consultation (404).
    "POST /api/v1/consultations/{consultation_id}/materials":
                                    (401, 404,  404,  201,  403,  404,   404,  404,  404,  404,   404),
    "GET /api/v1/consultations/{consultation_id}/materials/{material_id}":
                                    (401, 404,  404,  200,  200,  404,   404,  404,  404,  404,   404),
    "GET /api/v1/topic-suggestions":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    # A member's suggestion in their own name; the secretariat must name a source (422), leaders do not submit.
    "POST /api/v1/topic-suggestions":
                                    (401, 403,  403,  422,  403,  403,   403,  403,  403,  201,   201),
}
# fmt: on


def _plan(o):
    return o.once("consultations.plan", lambda: make.published_plan(o.org))


def _consultation(o):
    def build():
        c = make.consultation_of(o.org, _plan(o).items.order_by("planned_month").first())
        make.act(o.org, c, "confirm_topic", background="背景")
        material_add(consultation_id=c.pk, actor=o.users["staff"], name="情况通报.pdf", data=PDF)
        return c

    return o.once("consultations.consultation", build)


def _key_research(o):
    return o.once("consultations.key_research", lambda: make.key_research(o.org))


def _key_research_material(o):
    return o.once(
        "consultations.key_research_material",
        lambda: material_add(
            consultation_id=_key_research(o).pk, actor=o.users["staff"], name="课题方案.pdf", data=PDF
        ),
    )


URL_KWARGS: dict[str, Callable] = {
    "consultations:plan_detail": lambda o: {"pk": _plan(o).pk},
    "consultations:plan_act": lambda o: {"pk": _plan(o).pk, "action": "amend"},
    "consultations:detail": lambda o: {"pk": _consultation(o).pk},
    "consultations:act": lambda o: {"pk": _consultation(o).pk, "action": "start_research"},
    "consultations:material_upload": lambda o: {"pk": _consultation(o).pk},
    "consultations:material_download": lambda o: {
        "pk": _consultation(o).pk,
        "material_pk": _consultation(o).materials.get().pk,
    },
}
API_OBJECTS: dict[str, Callable] = {
    "plan_id": lambda o: _plan(o).pk,
    "consultation_id": lambda o: _key_research(o).pk,
    "material_id": lambda o: _key_research_material(o).pk,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/consultation-plans/{plan_id}/actions/{action}": {"action": "amend"},
    "POST /api/v1/consultations/{consultation_id}/actions/{action}": {"action": "start_research"},
}
MULTIPART_API: set[str] = {"POST /api/v1/consultations/{consultation_id}/materials"}


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/consultation-plans":
        return {"year": 2031, "title": "2031年度协商计划"}
    if op == "POST /api/v1/consultation-plans/{plan_id}/actions/{action}":
        return {"reason": "根据区委要求调整"}
    if op == "POST /api/v1/consultations":
        return {"title": "基层经济发展研究", "kind": "key_research", "form": "topical", "year": 2026}
    if op == "POST /api/v1/consultations/{consultation_id}/actions/{action}":
        return {}
    if op == "POST /api/v1/consultations/{consultation_id}/materials":
        return {"file": SimpleUploadedFile("调研提纲.pdf", PDF, content_type="application/pdf")}
    if op == "POST /api/v1/topic-suggestions":
        return {"year": 2026, "title": "预制菜产业链发展", "reason": "产业基础好"}
    return None
