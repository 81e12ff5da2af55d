"""Access matrix rows of this module (see tests/access/__init__.py for the shape).

The objects: a report member wrote and submitted (member2 may not see it: 404), with a PDF attached while it was a
draft, and a draft of member's (for the draft editor). The secretariat (``staff``: without the editor role) and the
leaders read every submitted report; the editor's queue is for editors (信息员) alone, none of the matrix's columns;
the action sent is ``sign_off`` (a leader's)."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import opinion_outputs as outputs
from tests.builders import opinions as make
from zhengxie.opinions.bulletins import bulletin_create
from zhengxie.opinions.services import attachment_add

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "opinions:list":                (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "opinions:new":                 (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   200),
    "opinions:autosave":            (302, 403,  403,  405,  403,  403,   403,  403,  403,  405,   405),
    "opinions:edit_queue":          (302, 403,  403,  403,  403,  403,   403,  403,  403,  403,   403),
    "opinions:sign_off_queue":      (302, 403,  403,  403,  200,  403,   403,  403,  403,  403,   403),
    "opinions:report_queue":        (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "opinions:detail":              (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    # The draft editor: its author alone (a draft is nobody else's to see).
    "opinions:edit":                (302, 403,  403,  404,  403,  403,   403,  403,  403,  200,   404),
    # POST-only: opened with GET they lead back to the report's page.
    "opinions:action":              (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   404),
    "opinions:attachment_upload":   (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   404),
    "opinions:attachment":          (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "opinions:attachment_remove":   (302, 403,  403,  302,  302,  403,   403,  403,  403,  302,   404),
    # The outputs (views_outputs.py): statistics and bulletins for the secretariat, editors and leaders; the 报送
    # document of member's report reported to the city, to those who may read the report.
    "opinions:statistics":          (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "opinions:list_xlsx":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "opinions:submission_docx":     (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "opinions:bulletin_list":       (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "opinions:bulletin_new":        (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "opinions:bulletin_detail":     (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "opinions:bulletin_docx":       (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "opinions:bulletin_pdf":        (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
}

API: dict[str, tuple[int, ...]] = {
    "GET /api/v1/opinions":         (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   200),
    "POST /api/v1/opinions":        (401, 403,  403,  201,  403,  403,   403,  403,  403,  201,   201),
    "GET /api/v1/opinions/{report_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    # A submitted report is no draft: its author is answered 409, the others may not edit it.
    "PATCH /api/v1/opinions/{report_id}":
                                    (401, 403,  403,  403,  403,  403,   403,  403,  403,  409,   404),
    "POST /api/v1/opinions/{report_id}/actions/{action}":
                                    (401, 403,  403,  403,  200,  403,   403,  403,  403,  403,   404),
    # Files go on a draft (its author) or on a report being edited (an editor).
    "POST /api/v1/opinions/{report_id}/attachments":
                                    (401, 403,  403,  403,  403,  403,   403,  403,  403,  403,   404),
    "GET /api/v1/opinions/attachments/{opinion_attachment_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "GET /api/v1/opinions/statistics":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/opinion-bulletins":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    # Compiling an issue: the secretariat and its editors (a leader reads issues, does not compile them).
    "POST /api/v1/opinion-bulletins":
                                    (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/opinion-bulletins/{bulletin_id}":
                                    (401, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
}
# fmt: on


def _submitted(o):
    def make_it():
        draft = make.draft(o.org, title="关于菜市场周边停车难的建议")
        attachment_add(report_id=draft.pk, actor=o.users["member"], name="调研材料.pdf", data=PDF)
        return make.act(draft, "submit", o.users["member"])

    return o.once("opinion_submitted", make_it)


def _draft(o):
    return o.once("opinion_draft", lambda: make.draft(o.org, title="关于社区食堂的建议"))


def _reported(o):
    """A report of member's, signed off and reported to the city (the outputs' rows)."""
    return o.once(
        "opinion_reported", lambda: outputs.reported(o.org, o.users["member"], title="关于农贸市场周边交通的建议")
    )


def _bulletin(o):
    return o.once(
        "opinion_bulletin",
        lambda: bulletin_create(actor=o.users["staff"], data={"kind": "special", "report_ids": [_reported(o).pk]}),
    )


def _attachment(o):
    return _submitted(o).attachments.get()


URL_KWARGS: dict[str, Callable] = {
    "opinions:detail": lambda o: {"pk": _submitted(o).pk},
    "opinions:edit": lambda o: {"pk": _draft(o).pk},
    "opinions:action": lambda o: {"pk": _submitted(o).pk, "action": "sign_off"},
    "opinions:attachment_upload": lambda o: {"pk": _submitted(o).pk},
    "opinions:attachment": lambda o: {"pk": _attachment(o).pk},
    "opinions:attachment_remove": lambda o: {"pk": _attachment(o).pk},
    "opinions:submission_docx": lambda o: {"pk": _reported(o).pk, "level": "city"},
    "opinions:bulletin_detail": lambda o: {"pk": _bulletin(o).pk},
    "opinions:bulletin_docx": lambda o: {"pk": _bulletin(o).pk},
    "opinions:bulletin_pdf": lambda o: {"pk": _bulletin(o).pk},
}
API_OBJECTS: dict[str, Callable] = {
    "report_id": lambda o: _submitted(o).pk,
    "opinion_attachment_id": lambda o: _attachment(o).pk,
    "bulletin_id": lambda o: _bulletin(o).pk,
}
API_PATH_PARAMS: dict[str, dict] = {
    "POST /api/v1/opinions/{report_id}/actions/{action}": {"action": "sign_off"},
}
MULTIPART_API: set[str] = {"POST /api/v1/opinions/{report_id}/attachments"}


def api_body(op: str, org, objects) -> dict | None:
    if op == "POST /api/v1/opinions":
        return {"title": "关于社区养老服务的建议", "content": "社区养老服务供给不足。"}
    if op == "PATCH /api/v1/opinions/{report_id}":
        return {"title": "改后的标题"}
    if op == "POST /api/v1/opinions/{report_id}/actions/{action}":
        return {}
    if op == "POST /api/v1/opinion-bulletins":
        return {"kind": "special", "title": "", "report_ids": [_reported(objects).pk]}
    if op == "POST /api/v1/opinions/{report_id}/attachments":
        return {"file": SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")}
    return None
