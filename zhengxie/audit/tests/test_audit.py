import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from zhengxie.accounts.services import (
    account_set_password,
    account_sign_out_everywhere,
    api_token_issue,
    api_token_revoke,
    role_grant,
    role_revoke,
)
from zhengxie.audit.models import AuditChainHead, AuditEntry
from zhengxie.audit.services import GENESIS, audit_record, audit_verify_chain
from zhengxie.core.roles import Role
from zhengxie.notifications.services import preference_set
from zhengxie.workdays.services import correction_delete, correction_set

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")


def _new_entries(since_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=since_id).order_by("id"))


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _as_dba(*statements: tuple[str, list]) -> None:
    """Change audit rows behind the application's back, as a DBA could (on PostgreSQL after disabling the
    append-only trigger, which only the table owner can do)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The test's transaction still holds deferred foreign-key checks, which ALTER TABLE will not wait for.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        for sql, params in statements:
            cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


# One row per change --------------------------------------------------------------------------------------------


def test_role_grant_writes_one_row_and_a_repeat_writes_none(org):
    admin, user = org.users["admin"], org.users["member2"]
    start = _last_id()
    role_grant(user=user, role=Role.LEADER, actor=admin)
    role_grant(user=user, role=Role.LEADER, actor=admin)
    rows = _new_entries(start)
    assert [(r.actor, r.actor_label, r.action, r.object_type, r.object_id, r.object_repr, r.changes) for r in rows] == [
        (admin, "demo-admin", "account.grant_role", "accounts.user", str(user.pk), "李委员", {"role": [None, "leader"]})
    ]


def test_role_revoke_writes_one_row(org):
    admin, user = org.users["admin"], org.users["leader"]
    start = _last_id()
    role_revoke(user=user, role=Role.LEADER, actor=admin)
    role_revoke(user=user, role=Role.LEADER, actor=admin)
    rows = _new_entries(start)
    assert [(r.action, r.object_id, r.changes) for r in rows] == [
        ("account.revoke_role", str(user.pk), {"role": ["leader", None]})
    ]


def test_sign_out_everywhere_writes_one_row(org):
    user = org.users["member"]
    api_token_issue(user=user)
    start = _last_id()
    account_sign_out_everywhere(user=user, actor=user)
    rows = _new_entries(start)
    assert [(r.actor, r.action, r.object_id, r.changes) for r in rows] == [
        (user, "account.sign_out_everywhere", str(user.pk), {"session_epoch": [0, 1], "tokens_revoked": [None, 1]})
    ]


def test_set_password_writes_one_row_without_the_password(org):
    user, admin = org.users["member2"], org.users["admin"]
    start = _last_id()
    account_set_password(user=user, password="Poyang-lake-2026", actor=admin)
    rows = _new_entries(start)
    assert [(r.actor, r.action, r.object_id, r.changes) for r in rows] == [
        (admin, "account.set_password", str(user.pk), {})
    ]
    assert "Poyang" not in str(rows[0].changes) + rows[0].object_repr


def test_token_issue_and_revoke_write_one_row_each(org):
    user = org.users["member"]
    start = _last_id()
    _raw, token = api_token_issue(user=user)
    api_token_revoke(token=token, actor=user)
    token.refresh_from_db()
    api_token_revoke(token=token, actor=user)  # already revoked: no second row
    rows = _new_entries(start)
    assert [(r.action, r.changes) for r in rows] == [
        ("account.issue_token", {"token": [None, token.prefix]}),
        ("account.revoke_token", {"token": [token.prefix, None]}),
    ]


def test_preference_set_writes_one_row_per_change(org):
    user = org.users["member"]
    start = _last_id()
    preference_set(user=user, email_mode="daily")
    preference_set(user=user, email_mode="daily")
    preference_set(user=user, email_mode="none")
    rows = _new_entries(start)
    assert [(r.actor, r.action, r.changes) for r in rows] == [
        (user, "notifications.set_preference", {"email_mode": ["immediate", "daily"]}),
        (user, "notifications.set_preference", {"email_mode": ["daily", "none"]}),
    ]


def test_correction_set_and_delete_write_one_row_each(org):
    admin = org.users["admin"]
    start = _last_id()
    correction = correction_set(actor=admin, date=datetime.date(2026, 12, 5), is_working_day=True, note="补班")
    correction_set(actor=admin, date=datetime.date(2026, 12, 5), is_working_day=False, note="改回")
    correction.refresh_from_db()
    pk = correction.pk
    correction_delete(actor=admin, correction=correction)
    rows = _new_entries(start)
    assert [(r.actor, r.action, r.object_type, r.object_id, r.changes) for r in rows] == [
        (
            admin,
            "workdays.set_correction",
            "workdays.calendarcorrection",
            str(pk),
            {"is_working_day": [None, True], "note": [None, "补班"]},
        ),
        (
            admin,
            "workdays.set_correction",
            "workdays.calendarcorrection",
            str(pk),
            {"is_working_day": [True, False], "note": ["补班", "改回"]},
        ),
        (
            admin,
            "workdays.delete_correction",
            "workdays.calendarcorrection",
            str(pk),
            {"is_working_day": [False, None]},
        ),
    ]


def test_system_changes_are_labelled_system(org):
    entry = audit_record(actor=None, action="test.system", object_type="test", object_id=1)
    assert (entry.actor, entry.actor_label) == (None, "system")


def test_rows_written_during_a_request_carry_the_client_address(org):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(org.users["member"])
    client.post("/notifications/preferences/", {"email_mode": "daily"})
    assert AuditEntry.objects.get(action="notifications.set_preference").client_address == "10.1.2.3"


# The chain -----------------------------------------------------------------------------------------------------


def test_rows_are_chained(org):
    rows = list(AuditEntry.objects.order_by("id"))
    assert rows[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (rows[-1].id, rows[-1].hash)


def test_audit_verify_reports_an_intact_chain(org):
    role_grant(user=org.users["member2"], role=Role.LEADER, actor=org.users["admin"])
    count = AuditEntry.objects.count()
    assert count > 10
    assert _verify().strip() == f"audit chain intact: {count} rows verified"


def test_audit_verify_on_an_empty_trail(db):
    assert _verify().strip() == "audit chain intact: 0 rows verified"


def test_a_changed_row_is_named_by_audit_verify(org):
    # given a grant recorded in the trail, followed by more rows
    role_grant(user=org.users["member2"], role=Role.LEADER, actor=org.users["admin"])
    target = AuditEntry.objects.get(action="account.grant_role", actor=org.users["admin"])
    preference_set(user=org.users["member"], email_mode="daily")
    # when someone with database access rewrites what it granted
    _as_dba(("UPDATE audit_auditentry SET changes = %s WHERE id = %s", ['{"role": [null, "overseer"]}', target.id]))
    # then verification fails and names that row
    with pytest.raises(CommandError, match=rf"audit chain broken at row {target.id}: row content does not match"):
        _verify()


def test_a_changed_hash_is_caught_at_the_next_row(org):
    target = AuditEntry.objects.order_by("id")[3]
    following = AuditEntry.objects.filter(id__gt=target.id).order_by("id").first()
    # rewriting a row's content and recomputing only its own hash still breaks the link from the next row
    _as_dba(("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["f" * 64, target.id]))
    report = audit_verify_chain()
    assert (report.ok, report.first_broken_id) == (False, target.id)
    assert following is not None


def test_deleting_the_newest_row_is_detected(org):
    newest = AuditEntry.objects.order_by("-id").first()
    _as_dba(("DELETE FROM audit_auditentry WHERE id = %s", [newest.id]))
    with pytest.raises(CommandError, match=rf"audit chain broken at row {newest.id}: the newest rows were removed"):
        _verify()


def test_deleting_a_middle_row_is_detected_at_the_row_after_it(org):
    rows = list(AuditEntry.objects.order_by("id")[:6])
    _as_dba(("DELETE FROM audit_auditentry WHERE id = %s", [rows[4].id]))
    with pytest.raises(CommandError, match=rf"audit chain broken at row {rows[5].id}: link to the previous row"):
        _verify()


def test_audit_verify_counts_rows_checked_before_the_break(org):
    rows = list(AuditEntry.objects.order_by("id")[:3])
    _as_dba(("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["x.forged", rows[2].id]))
    report = audit_verify_chain()
    assert (report.checked, report.first_broken_id) == (2, rows[2].id)


@postgres_only
def test_the_database_refuses_updating_an_audit_row(org):
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="x.forged")
    entry.refresh_from_db()
    assert entry.action == "account.create"


@postgres_only
def test_the_database_refuses_deleting_an_audit_row(org):
    entry = AuditEntry.objects.order_by("id").first()
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.count() == count


@postgres_only
def test_the_database_refuses_saving_over_an_audit_row(org):
    entry = AuditEntry.objects.order_by("id").first()
    entry.actor_label = "someone-else"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "system"


# The audit page ------------------------------------------------------------------------------------------------


def _listed_ids(response) -> list[int]:
    html = response.content.decode()
    table = html[html.index('data-testid="audit-table"') :]
    return [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", table)]


@pytest.fixture
def trail(org):
    """Rows by known actors on top of the fixture's (which are all by ``system``)."""
    admin, member = org.users["admin"], org.users["member"]
    role_grant(user=org.users["member2"], role=Role.OVERSEER, actor=admin)
    grant_row = AuditEntry.objects.get(action="account.grant_role", actor=admin)
    preference_set(user=member, email_mode="daily")
    pref_row = AuditEntry.objects.get(action="notifications.set_preference")
    correction_set(actor=admin, date=datetime.date(2026, 12, 5), is_working_day=True, note="补班")
    corr_row = AuditEntry.objects.get(action="workdays.set_correction")
    return {"grant": grant_row.id, "pref": pref_row.id, "corr": corr_row.id}


def test_audit_page_filters_by_action(org, trail, client_for):
    client = client_for(org.users["admin"])
    assert _listed_ids(client.get("/audit/?action=notifications")) == [trail["pref"]]
    assert _listed_ids(client.get("/audit/?action=workdays.set_correction")) == [trail["corr"]]


def test_audit_page_filters_by_actor(org, trail, client_for):
    client = client_for(org.users["admin"])
    assert _listed_ids(client.get("/audit/?actor=demo-admin")) == [trail["corr"], trail["grant"]]


def test_audit_page_combines_filters(org, trail, client_for):
    client = client_for(org.users["admin"])
    response = client.get("/audit/?actor=demo-admin&action=account")
    assert _listed_ids(response) == [trail["grant"]]
    assert _listed_ids(client.get("/audit/?actor=nobody")) == []


def test_audit_page_filters_by_object(org, trail, client_for):
    client = client_for(org.users["admin"])
    user = org.users["member2"]
    response = client.get(f"/audit/?object_type=accounts.user&object_id={user.pk}")
    expected = list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("-id")
        .values_list("id", flat=True)
    )
    # the account's creation and the overseer grant
    assert len(expected) == 2
    assert _listed_ids(response) == expected


def test_audit_page_lists_newest_first_unfiltered(org, trail, client_for):
    ids = _listed_ids(client_for(org.users["admin"]).get("/audit/"))
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == AuditEntry.objects.count()


@pytest.mark.parametrize("role_key", ["office", "staff", "leader", "overseer", "unit", "member"])
def test_only_admin_reaches_the_audit_page(org, trail, client_for, role_key):
    assert client_for(org.users[role_key]).get("/audit/?action=account").status_code == 403
