"""Access matrix rows of this module (see tests/access/__init__.py for the shape)."""

from collections.abc import Callable

from tests.builders.followup import make_document, recommendation_ids

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "followup:department":           (302, 403, 403,   403,  403,   403,   200,  200,  200,  403,   403),
    "followup:document":             (302, 403, 404,   200,  200,   404,   200,  200,  200,  403,   403),
    "followup:document_act":         (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:recommendation":       (302, 403, 404,   200,  200,   404,   200,  200,  404,  403,   403),
    "followup:recommendation_act":   (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:evidence_upload":      (302, 403, 405,   405,  405,   405,   405,  405,  405,  403,   403),
    "followup:evidence":             (302, 403, 404,   200,  200,   404,   200,  200,  404,  403,   403),
}

API: dict[str, tuple[int, ...]] = {
}
# fmt: on


def _document(o) -> int:
    """A consultation's outcome document by the secretariat: one recommendation to org.unit, one to the other."""
    return o.once("followup_document", lambda: make_document(o.org))


def _recommendation(o) -> int:
    """The document's recommendation to org.unit."""
    return recommendation_ids(_document(o))[0]


def _evidence(o) -> int:
    """A PDF org.unit attached to its recommendation once it adopted it."""

    def make():
        from zhengxie.followup import services

        rec = _recommendation(o)
        services.recommendation_act(
            recommendation_id=rec, action="answer", actor=o.users["unit"], payload={"status": "adopted", "note": "采纳"}
        )
        return services.evidence_add(actor=o.users["unit"], recommendation_id=rec, name="方案.pdf", data=PDF).pk

    return o.once("followup_evidence", make)


URL_KWARGS: dict[str, Callable] = {
    "followup:document": lambda o: {"pk": _document(o)},
    "followup:document_act": lambda o: {"pk": _document(o), "action": "send"},
    "followup:recommendation": lambda o: {"pk": _recommendation(o)},
    "followup:recommendation_act": lambda o: {"pk": _recommendation(o), "action": "answer"},
    "followup:evidence_upload": lambda o: {"pk": _recommendation(o)},
    "followup:evidence": lambda o: {"pk": _recommendation(o), "evidence_id": _evidence(o)},
}
API_OBJECTS: dict[str, Callable] = {}
API_PATH_PARAMS: dict[str, dict] = {}
MULTIPART_API: set[str] = set()


def api_body(op: str, org, objects) -> dict | None:
    return None
