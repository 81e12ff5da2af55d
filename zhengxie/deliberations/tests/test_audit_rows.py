"""The deliberation's audit rows read in words on the audit page: every action, every key, no code."""

import re

import pytest

from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.audit.tests.test_audit_words import _assert_words_only, _deliberations

pytestmark = pytest.mark.django_db


def test_every_deliberation_row_is_in_words(org, client_for):
    _deliberations(org)
    rows = AuditEntry.objects.filter(action__startswith="deliberation")
    written = set(rows.values_list("action", flat=True))
    assert written == {
        "deliberation.create",
        "deliberation.edit",
        "deliberation.open",
        "deliberation.post",
        "deliberation.close",
        "deliberation.expire",
        "deliberation.summarise",
        "deliberation_post.select",
        "deliberation_post.unselect",
    }
    assert sorted({(e.action, k) for e in rows for k in labels.unnamed_keys(e.object_type, e.changes, e.action)}) == []
    client = client_for(org.users["admin"])
    codes = written | set(rows.values_list("object_type", flat=True))
    for code in sorted(written):
        page = client.get("/audit/", {"action": code}).content.decode()
        _assert_words_only(page, codes)
        assert len(re.findall(r"<tr><td>(\d+)</td>", page)) == rows.filter(action=code).count(), code
