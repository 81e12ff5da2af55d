"""Access matrix rows of this module (see tests/access/__init__.py for the shape)."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    # The leaders' overview and its downloads: leaders, secretariat, overseers (followup.overview).
    "followup:leaders":             (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    "followup:leaders_xlsx":        (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    "followup:leaders_report":      (302, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    # The department's page, documents and recommendations (followup.department / followup.view, then who sees what).
    "followup:department":           (302, 403, 403,   403,  403,   403,   200,  200,  200,  403,   403),
    "followup:document":             (302, 403, 404,   200,  200,   404,   200,  200,  200,  403,   403),
    "followup:document_act":         (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:recommendation":       (302, 403, 404,   200,  200,   404,   200,  200,  404,  403,   403),
    "followup:recommendation_act":   (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:evidence_upload":      (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:evidence":             (302, 403, 404,   200,  200,   404,   200,  200,  404,  403,   403),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/followup/overview":      (401, 403,  403,  200,  200,  200,   403,  403,  403,  403,   403),
    # Outcome documents: the secretariat and leaders see all; a department those holding one of its recommendations.
    "GET /api/v1/outcome-documents":                                     (401, 403, 200, 200, 200, 200, 200, 200, 200, 403, 403),  # noqa: E501
    "GET /api/v1/outcome-documents/{document_id}":                       (401, 403, 404, 200, 200, 404, 200, 200, 200, 403, 403),  # noqa: E501
    # send: the secretariat's (a key proposal's: also the office and overseers).
    "POST /api/v1/outcome-documents/{document_id}/actions/{action}":     (401, 403, 404, 200, 403, 404, 403, 403, 403, 403, 403),  # noqa: E501
    # Recommendations: a department sees only those addressed to it.
    "GET /api/v1/recommendations":                                       (401, 403, 200, 200, 200, 200, 200, 200, 200, 403, 403),  # noqa: E501
    "GET /api/v1/recommendations/{recommendation_id}":                   (401, 403, 404, 200, 200, 404, 200, 200, 404, 403, 403),  # noqa: E501
    # update_progress on an adopted one: its own department's staff and leader only.
    "POST /api/v1/recommendations/{recommendation_id}/actions/{action}": (401, 403, 404, 403, 403, 404, 200, 200, 404, 403, 403),  # noqa: E501
    "POST /api/v1/recommendations/{recommendation_id}/evidence":         (401, 403, 404, 403, 403, 404, 201, 201, 404, 403, 403),  # noqa: E501
    "GET /api/v1/recommendations/{recommendation_id}/evidence/{evidence_id}": (401, 403, 404, 200, 200, 404, 200, 200, 404, 403, 403),  # noqa: E501
}
# fmt: on


def _document(o) -> int:
    """A consultation's outcome document by the secretariat: one recommendation to org.unit, one to the other."""
    return o.once("followup_document", lambda: make_document(o.org))


def _recommendation(o) -> int:
    """The document's recommendation to org.unit."""
    return recommendation_ids(_document(o))[0]


def _adopted(o) -> int:
    """The document's recommendation to org.unit, adopted by it."""

    def make():
        rec = _recommendation(o)
        services.recommendation_act(
            recommendation_id=rec, action="answer", actor=o.users["unit"], payload={"status": "adopted", "note": "采纳"}
        )
        return rec

    return o.once("followup_adopted", make)


def _evidence(o) -> int:
    """A PDF org.unit attached to its recommendation once it adopted it."""
    return o.once(
        "followup_evidence",
        lambda: (
            services.evidence_add(actor=o.users["unit"], recommendation_id=_adopted(o), name="方案.pdf", data=PDF).pk
        ),
    )


URL_KWARGS: dict[str, Callable] = {
    "followup:document": lambda o: {"pk": _document(o)},
    "followup:document_act": lambda o: {"pk": _document(o), "action": "send"},
    "followup:recommendation": lambda o: {"pk": _recommendation(o)},
    "followup:recommendation_act": lambda o: {"pk": _recommendation(o), "action": "answer"},
    "followup:evidence_upload": lambda o: {"pk": _recommendation(o)},
    "followup:evidence": lambda o: {"pk": _recommendation(o), "evidence_id": _evidence(o)},
}
API_OBJECTS: dict[str, Callable] = {
    "document_id": _document,
    "recommendation_id": _adopted,
    "evidence_id": _evidence,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/outcome-documents/{document_id}/actions/{action}": {"action": "send"},
    "POST /api/v1/recommendations/{recommendation_id}/actions/{action}": {"action": "update_progress"},
}
MULTIPART_API: set[str] = {"POST /api/v1/recommendations/{recommendation_id}/evidence"}


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/outcome-documents/{document_id}/actions/{action}":
        return {"sent_to": "区委、区政府", "date": str(timezone.localdate())}
    if op == "POST /api/v1/recommendations/{recommendation_id}/actions/{action}":
        return {"percent": 50, "note": "已完成方案设计"}
    if op == "POST /api/v1/recommendations/{recommendation_id}/evidence":
        return {"file": SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")}
    return None
