"""Every audit row the opinion reports write reads in words on the audit page: no action code, no field name."""

import pytest
from django.utils import timezone

from tests.builders import opinions as make
from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.audit.tests.test_audit_words import _assert_words_only
from zhengxie.opinions.services import attachment_add, attachment_remove, opinion_arrive_from_proposal

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_opinion_audit_row_reads_in_words(org, client_for):
    # given every action and service of the module, once
    draft = make.draft(org, coauthors=[org.member2])
    att = attachment_add(report_id=draft.pk, actor=org.users["member"], name="材料.pdf", data=PDF)
    attachment_remove(attachment_id=att.pk, actor=org.users["member"])
    report = make.act(draft, "submit", org.users["member"])
    report = make.act(report, "confirm_coauthor", org.users["member2"])
    report = make.act(report, "edit", make.editor(org), title="新标题", content="新内容", suggestions="", note="改")
    report = make.act(report, "sign_off", org.users["leader"])
    report = make.act(report, "report", org.users["staff"], levels=["city", "province"])
    today = timezone.localdate().isoformat()
    make.act(report, "record_adoption", org.users["staff"], level="city", date=today, publication="专报")
    make.act(report, "record_instruction", org.users["staff"], level="city", leader="市长", date=today, text="阅")
    declined = make.submitted(org, title="关于夜市的建议", coauthors=[org.member2])
    make.act(declined, "decline_coauthor", org.users["member2"])
    make.act(declined, "archive", org.users["leader"], reason="重复")
    opinion_arrive_from_proposal(
        proposal_id=123456,
        number="20260001",
        title="关于社区食堂的提案",
        content="情况",
        suggestions="建议",
        authors_member_ids=[org.member.pk],
        actor=org.users["office"],
    )
    trail = AuditEntry.objects.filter(action__startswith="opinion.")
    # then every key is named and the page shows words only
    assert trail.count() == 15
    unnamed = {(e.action, k) for e in trail for k in labels.unnamed_keys(e.object_type, e.changes, e.action)}
    assert sorted(unnamed) == []
    response = client_for(org.users["admin"]).get("/audit/")
    assert response.status_code == 200
    codes = set(trail.values_list("action", flat=True)) | {"opinions.opinionreport"}
    _assert_words_only(response.content.decode(), codes)
