"""Every audit row study and training writes names its keys and shows its values in words on the audit page."""

import pytest

from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.audit.tests.test_audit_words import _assert_words_only, _training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_training_rows_are_in_words(org, client):
    _training(org)
    rows = AuditEntry.objects.filter(object_type__startswith="training.")
    written = set(rows.values_list("action", flat=True))
    assert written == {
        "training_plan.create",
        "training_plan.add_item",
        "training_plan.publish",
        "training_plan.link_item",
        "training.set_class_hours",
        "training.add_course",
        "training.remove_course",
        "training.set_attendee_hours",
        "training.create_seminar",
        "seminar_paper.submit",
        "seminar_paper.review",
        "seminar_paper.select",
        "seminar_paper.reconsider",
        "training.set_requirement",
    }
    assert sorted({(e.action, k) for e in rows for k in labels.unnamed_keys(e.object_type, e.changes, e.action)}) == []
    client.force_login(org.users["admin"])
    named = labels.action_labels()
    codes = written | set(rows.values_list("object_type", flat=True))
    for code in sorted(written):
        page = client.get("/audit/", {"action": code}).content.decode()
        _assert_words_only(page, codes)
        assert str(named[code]) in page, code
