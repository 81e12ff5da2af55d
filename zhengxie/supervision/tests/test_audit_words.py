"""The audit page shows every row supervision writes in words: the plan's and the topic's steps by their labels, the
changed fields by their names, the values (a topic added, findings, an activity, a scheme file, group members) in
words — no code reaches a person."""

import html
import re

import pytest

from tests.builders import supervision as make
from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.supervision.services import scheme_file_add
from zhengxie.supervision.workflow import PLAN, TOPIC

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_every_supervision_row_reads_in_words(org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    topic = make.topic_of(make.published_plan(org))
    scheme_file_add(topic_id=topic.pk, actor=org.users["staff"], name="实施方案.pdf", data=PDF)
    topic = make.rectifying(org, topic)
    make.answer_all(org, topic)
    make.act(
        org,
        topic,
        "schedule_activity",
        title="回访整改落实情况",
        kind="research",
        start="2026-11-10T09:00:00+08:00",
        end="2026-11-10T11:30:00+08:00",
        place="区科工信局",
    )
    make.act(org, topic, "close")
    rows = AuditEntry.objects.filter(action__startswith="supervision_")
    written = set(rows.values_list("action", flat=True))
    # every declared step of both workflows, each recorded
    assert written == {flow.audit_action(step) for flow in (PLAN, TOPIC) for step in flow.actions.values()}
    assert all(not re.search(r"[a-z_]+\.[a-z_]+", labels.action_label(code)) for code in written)
    unnamed = {(e.action, k) for e in rows for k in labels.unnamed_keys(e.object_type, e.changes, e.action)}
    assert unnamed == set()
    page = client_for(org.users["admin"]).get("/audit/", {"page": 1}).content.decode()
    table = page[page.index('data-testid="audit-table"') : page.index("</table>")]
    text = html.unescape(re.sub(r"<[^>]+>", " ", table))
    assert "supervision" not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.search(r"\b[a-z]+_[a-z_]+\b", text)
    assert "添加监督议题" in text and "办结" in text and "形成监督意见" in text
    assert "安排视察调研活动" in text and "回访整改落实情况" in text
