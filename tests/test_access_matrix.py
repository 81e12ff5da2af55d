"""The authorization matrix: every URL and every API operation, the status each role gets.

Every URL pattern Django knows and every operation in the OpenAPI schema must have a row in the tables below;
a new page or endpoint without one fails ``test_every_url_is_in_the_matrix`` / ``test_every_api_operation_is_in_the
_matrix``, so nothing ships without someone deciding who may reach it.

Pages are requested with GET: anonymous -> 302 to sign-in; permitted -> 200; not permitted -> 403; an object the
role may not see -> 404; POST-only views answer 405 to a permitted GET. Refused roles are also sent a POST, which
must be refused the same way without changing a single row (a GET-only view refuses every POST with 405, before it
looks at the object).
"""

import datetime
import inspect
import re
from collections.abc import Callable
from functools import cached_property
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.access import MODULES
from tests.builders import proposals as make
from tests.builders.activities import published_activity, running_activity
from tests.builders.org import PASSWORD, ROLE_KEYS
from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.duty.materials import material_add
from zhengxie.notifications.services import notify
from zhengxie.people import imports as batches
from zhengxie.people.models import UnitStaff
from zhengxie.proposals import history_import
from zhengxie.proposals.history_jobs import import_job_start
from zhengxie.proposals.models import Proposal
from zhengxie.proposals.services import attachment_add, category_create
from zhengxie.workdays.services import correction_set

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Attachments and activity materials are written as files: keep them out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path


# fmt: off
#                                   anon admin office staff leader overs. unit  u-lead unit2 member member2
PAGES: dict[str, tuple[int, ...]] = {
    "core:home":                    (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "search:search":                (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:login":               (200, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    "accounts:logout":              (405, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:logout_everywhere":   (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:profile":             (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:password_change":     (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:sign_in_history":     (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "accounts:revoke_token":        (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "accounts:otp_setup":           (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Without a confirmed device the verify page sends everyone to set one up.
    "accounts:otp_verify":          (302, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    "people:member_list":           (302, 200,  200,  200,  200,  403,   403,  403,  403,  200,   403),
    # member2's record: the convener of another sector may use the roster but not see this member.
    "people:member_detail":         (302, 200,  200,  200,  200,  403,   403,  403,  403,  404,   403),
    "people:unit_list":             (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "people:unit_detail":           (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "people:organisation":          (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Managing members: secretariat and admin. The export follows the roster (a convener gets their sector).
    "people:member_create":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_edit":           (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_status":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import":         (302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import_confirm": (302, 405,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:member_import_template":(302, 200,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:member_export":         (302, 200,  200,  200,  200,  403,   403,  403,  403,  200,   403),
    # Managing units: secretariat, proposal office and admin. The export follows the unit list.
    "people:unit_create":           (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_edit":             (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_staff_add":        (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_staff_remove":     (302, 405,  405,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import":           (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import_confirm":   (302, 405,  405,  405,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_import_template":  (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "people:unit_export":           (302, 200,  200,  200,  200,  200,   403,  403,  403,  403,   403),
    "notifications:list":           (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "notifications:mark_read":      (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "notifications:mark_all_read":  (302, 405,  405,  405,  405,  405,   405,  405,  405,  405,   405),
    "notifications:preferences":    (302, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "workdays:calendar":            (302, 200,  200,  200,  403,  403,   403,  403,  403,  403,   403),
    "workdays:delete_correction":   (302, 405,  403,  403,  403,  403,   403,  403,  403,  403,   403),
    "audit:list":                   (302, 200,  403,  403,  403,  403,   403,  403,  403,  403,   403),
    "set_language":                 (302, 302,  302,  302,  302,  302,   302,  302,  302,  302,   302),
    # The API's own pages: the schema and its documentation are public (they hold no data); the bare prefix is 404.
    "api:openapi-json":             (200, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "api:openapi-view":             (200, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "api:api-root":                 (404, 404,  404,  404,  404,  404,   404,  404,  404,  404,   404),
    # Proposals: member2's proposal, registered and assigned (single) to org.unit, which has accepted it; a PDF
    # attached while it was a draft. Drafts only to their author; once submitted the proposers, office, leaders and
    # overseers; registered ones every member; a unit only what is assigned to it (unit2: 404).
    "proposals:list":               (302, 403,  200,  403,  200,  200,   200,  200,  200,  200,   200),
    "proposals:new":                (302, 403,  403,  403,  403,  403,   403,  403,  403,  200,   200),
    "proposals:autosave":           (302, 403,  405,  403,  403,  403,   403,  403,  403,  405,   405),
    "proposals:review":             (302, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    # The office's queue of registered proposals to assign, and its batch actions (POST only: 立案 or 交办 many).
    "proposals:review_assign":      (302, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:batch":              (302, 403,  405,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:categories":         (302, 200,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:history_import":     (302, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:history_import_confirm":
                                    (302, 403,  405,  403,  403,  403,   403,  403,  403,  403,   403),
    # The job's page is for the person who confirmed the import (here the office).
    "proposals:history_import_job": (302, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:history_import_template":
                                    (302, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "proposals:detail":             (302, 403,  200,  403,  200,  200,   200,  200,  404,  200,   200),
    # Editing is the author's, and only while a draft: member2 gets 409, everyone else who may write 403.
    "proposals:edit":               (302, 403,  403,  403,  403,  403,   403,  403,  403,  403,   409),
    # An action's address opened rather than posted leads to the proposal's page (the one who may see it).
    "proposals:act":                (302, 403,  302,  403,  302,  302,   302,  302,  404,  302,   302),
    "proposals:assignment_act":     (302, 403,  302,  403,  302,  302,   302,  302,  404,  302,   302),
    # An action's form, fetched when its button is pressed: refused as the action itself would be (propose_key is
    # the office's; record_contact the accepting unit's, its leader included).
    "proposals:action_form":        (302, 403,  200,  403,  403,  403,   403,  403,  404,  403,   403),
    "proposals:assignment_action_form":
                                    (302, 403,  403,  403,  403,  403,   200,  200,  404,  403,   403),
    # Type-ahead of the unit fields and filters (every active unit, as the selects showed), and of co-signers.
    "proposals:unit_lookup":        (302, 403,  200,  403,  200,  200,   200,  200,  200,  200,   200),
    "proposals:member_lookup":      (302, 403,  200,  403,  403,  403,   403,  403,  403,  200,   200),
    "proposals:attachment":         (302, 403,  200,  403,  200,  200,   200,  200,  404,  200,   200),
    "proposals:attachment_upload":  (302, 403,  405,  403,  405,  405,   405,  405,  405,  405,   405),
    "proposals:attachment_remove":  (302, 403,  405,  403,  405,  405,   405,  405,  405,  405,   405),
    "proposals:unit_board":         (302, 403,  403,  403,  403,  403,   200,  200,  200,  403,   403),
    "proposals:boards":             (302, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    "proposals:key_board":          (302, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    "proposals:excellent":          (302, 403,  200,  403,  200,  403,   403,  403,  403,  200,   200),
    # Documents follow the proposal (and the reply); lists only hold what the user sees.
    "proposals:proposal_docx":      (302, 403,  200,  403,  200,  200,   200,  200,  404,  200,   200),
    "proposals:proposal_pdf":       (302, 403,  200,  403,  200,  200,   200,  200,  404,  200,   200),
    "proposals:list_xlsx":          (302, 403,  200,  403,  200,  200,   200,  200,  200,  200,   200),
    # An approved reply of org.unit to another proposal of member2: the proposers, the office, leaders and the unit
    # that wrote it — not overseers, other members or other units.
    "proposals:reply_docx":         (302, 403,  200,  403,  200,  404,   200,  200,  404,  404,   200),
    "proposals:reply_pdf":          (302, 403,  200,  403,  200,  404,   200,  200,  404,  404,   200),
    # Statistics and the annual report: the proposal office, leaders and overseers.
    "proposals:statistics":         (302, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    "proposals:statistics_xlsx":    (302, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    "proposals:annual_report_docx": (302, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    # Activities: a running (checking-in) activity of org.sector, published, with one material. The secretariat
    # organises; members see the published activities they are invited to (member: yes; member2, of 教育: 404).
    "duty:activity_list":           (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   200),
    "duty:activity_new":            (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "duty:check_in":                (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   200),
    "duty:activity_detail":         (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   404),
    # Editing is the organisers', and only while a draft: this one is published (409).
    "duty:activity_edit":           (302, 403,  403,  409,  403,  403,   403,  403,  403,  403,   403),
    "duty:activity_act":            (302, 403,  403,  302,  403,  403,   403,  403,  403,  302,   404),
    "duty:activity_qr":             (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "duty:activity_qr_fragment":    (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "duty:material_upload":         (302, 403,  403,  405,  403,  403,   403,  403,  403,  403,   403),
    "duty:material_download":       (302, 403,  403,  200,  403,  403,   403,  403,  403,  200,   404),
    "duty:attendance_xlsx":         (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    # Duty archives of member2: themselves, the secretariat, leaders and admins; member convenes another sector (404).
    "duty:my_archive":              (302, 403,  403,  403,  403,  403,   403,  403,  403,  200,   200),
    "duty:member_archive":          (302, 403,  403,  200,  200,  403,   403,  403,  403,  404,   200),
    "duty:archive_docx":            (302, 403,  403,  200,  200,  403,   403,  403,  403,  404,   200),
    "duty:archive_pdf":             (302, 403,  403,  200,  200,  403,   403,  403,  403,  404,   200),
    "duty:add_other":               (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    # The committee table: the secretariat, leaders, admins, and a convener (their sector only: member).
    "duty:committee_table":         (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   403),
    "duty:committee_table_xlsx":    (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   403),
    "duty:short_of_minimums":       (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "duty:alerts":                  (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "duty:rules":                   (302, 200,  403,  403,  403,  403,   403,  403,  403,  403,   403),
}

# API operations, called with a bearer token of the role (anonymous: no token).
#                                         anon admin office staff leader overs. unit  u-lead unit2 member member2
API: dict[str, tuple[int, ...]] = {
    # Anonymous sends wrong credentials; every role sends its own.
    "POST /api/v1/auth/token":            (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "DELETE /api/v1/auth/token":          (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/me":                     (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Lists answer 200 to every signed-in role; what each sees is asserted in accounts/tests/test_api.py.
    "GET /api/v1/members":                (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/members/{member_id}":    (401, 200,  200,  200,  200,  404,   404,  404,  404,  404,   200),
    "GET /api/v1/units":                  (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/units/{unit_id}":        (401, 200,  200,  200,  200,  200,   200,  200,  404,  200,   200),
    "GET /api/v1/search":                 (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Reference lists for clients' forms: anyone signed in.
    "GET /api/v1/categories":             (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/sectors":                (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/parties":                (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/special-committees":     (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/collective-proposers":   (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/leaders":                (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # Activities: the secretariat organises and sees all; a member sees those they are invited to (member2 here).
    # The list is for those who take part in or organise activities (duty.activities).
    "GET /api/v1/activities":             (401, 403,  403,  200,  403,  403,   403,  403,  403,  200,   200),
    "POST /api/v1/activities":            (401, 403,  403,  201,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/activities/{activity_id}":
                                          (401, 404,  404,  200,  404,  404,   404,  404,  404,  404,   200),
    "GET /api/v1/activities/{activity_id}/check-in-code":
                                          (401, 404,  404,  200,  404,  404,   404,  404,  404,  404,   403),
    "PATCH /api/v1/activities/{activity_id}":
                                          (401, 404,  404,  409,  404,  404,   404,  404,  404,  404,   403),
    "POST /api/v1/activities/{activity_id}/actions/{action}":
                                          (401, 404,  404,  403,  404,  404,   404,  404,  404,  404,   200),
    # Duty archive of member2: the member, the secretariat and leaders (a convener only their sector); roles
    # without archive access are refused outright.
    "GET /api/v1/members/{member_id}/duty":
                                          (401, 403,  403,  200,  200,  403,   403,  403,  403,  404,   200),
    # Proposals: the same proposal as the pages (member2's, assigned to org.unit and accepted, a PDF attached).
    # The list answers 200 to everyone signed in; what each sees is asserted in proposals/tests/test_api.py.
    "GET /api/v1/proposals":              (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    # A valid draft: members file in their own name; nobody else has anyone to file for.
    "POST /api/v1/proposals":             (401, 403,  403,  403,  403,  403,   403,  403,  403,  201,   201),
    # Similar proposals: anyone signed in; what each is shown is what their list shows (similarity/tests).
    "POST /api/v1/proposals/similar":     (401, 200,  200,  200,  200,  200,   200,  200,  200,  200,   200),
    "GET /api/v1/proposals/statistics":   (401, 403,  200,  403,  200,  200,   403,  403,  403,  403,   403),
    "GET /api/v1/proposals/{proposal_id}":
                                          (401, 404,  200,  404,  200,  200,   200,  200,  404,  200,   200),
    # Editing a draft is its author's: member2's proposal is submitted (409); visible to others (403) or not (404).
    "PATCH /api/v1/proposals/{proposal_id}":
                                          (401, 404,  403,  404,  403,  403,   403,  403,  404,  403,   409),
    # propose_key is the office's alone.
    "POST /api/v1/proposals/{proposal_id}/actions/{action}":
                                          (401, 404,  200,  404,  403,  403,   403,  403,  404,  403,   403),
    # record_contact is the assigned unit's (staff and leader); it changes no state, so both succeed.
    "POST /api/v1/assignments/{assignment_id}/actions/{action}":
                                          (401, 404,  403,  404,  403,  403,   200,  200,  404,  403,   403),
    # 智能交办: the office's, which assigns (an empty list here: no model is trained in this test).
    "POST /api/v1/proposals/suggest-units":
                                          (401, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    "GET /api/v1/proposals/suggest-units/status":
                                          (401, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    # Batch 立案/交办 is the office's: it answers 200 with each proposal's outcome (here refused: already assigned).
    "POST /api/v1/proposals/batch-actions/{action}":
                                          (401, 403,  200,  403,  403,  403,   403,  403,  403,  403,   403),
    # Attaching to the proposal itself is its author's while a draft: member2 gets 409 now it is submitted.
    "POST /api/v1/proposals/{proposal_id}/attachments":
                                          (401, 404,  403,  404,  403,  403,   403,  403,  404,  403,   409),
    "GET /api/v1/attachments/{attachment_id}":
                                          (401, 404,  200,  404,  200,  200,   200,  200,  404,  200,   200),
    "DELETE /api/v1/attachments/{attachment_id}":
                                          (401, 404,  403,  404,  403,  403,   403,  403,  404,  403,   409),
}
# fmt: on

# Operations that need no credentials (everything else must declare an auth method).
PUBLIC_API = {"POST /api/v1/auth/token"}

# The ninja views that are not operations; they are checked as pages above.
NINJA_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}
# ninja's root view only works out the URL prefix and answers 404; it cannot carry a decorator.
NO_ZX_PERMISSION_NEEDED = {"api:api-root": "ninja's URL-prefix marker; answers 404 and serves nothing"}


class Objects:
    """The objects the URLs and API operations point at, made through the services on first use: each test builds
    only what its URL or operation needs, once for all the roles."""

    def __init__(self, org):
        self.org = org
        self.users = org.users
        self._made: dict[str, object] = {}

    def once(self, key: str, make: Callable[[], object]):
        """The object ``make()`` gives, made on first use and kept for the rest of this test (the modules of
        tests/access keep their objects here)."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    # Proposals ---------------------------------------------------------------------------------------------------

    @cached_property
    def category(self):
        return category_create(actor=self.users["office"], data={"name": "城乡建设", "sort_order": 1})

    def _accepted_proposal(self, title: str) -> Proposal:
        """member2's own proposal (no co-signers) with a PDF attached while it was a draft, registered, assigned
        (single) to org.unit and accepted by it."""
        member2, office = self.users["member2"], self.users["office"]
        draft = make.draft(self.org, self.category, author=member2, title=title, suggested_unit_ids=[self.org.unit.pk])
        attachment_add(proposal_id=draft.pk, actor=member2, name="现场照片说明.pdf", data=PDF)
        make.act(draft, "submit", member2)
        make.act(draft, "register", office)
        units = [{"unit_id": self.org.unit.pk, "role": "single"}]
        proposal = make.act(draft, "assign", office, mode="single", units=units)
        make.act(make.assignment_of(proposal), "accept_assignment", self.users["unit"])
        return proposal

    @cached_property
    def proposal(self) -> Proposal:
        return self._accepted_proposal("关于加快充电桩建设的建议")

    @cached_property
    def assignment(self):
        return self.proposal.assignments.get()

    @cached_property
    def attachment(self):
        return self.proposal.attachments.get()

    @cached_property
    def reply(self):
        """An approved reply of org.unit, to another proposal of member2 (which is then awaiting evaluation)."""
        proposal = self._accepted_proposal("关于改造老旧小区的建议")
        assignment = proposal.assignments.get()
        make.approve_reply(self.org, assignment, grade="A", text="答复如下……")
        return assignment.replies.get()

    @cached_property
    def history_import_job(self):
        """The office's import of an (empty) batch, queued."""
        office = self.users["office"]
        token = batches.batch_save(user=office, kind=history_import.KIND, filename="历年提案.xlsx", rows=[])
        return import_job_start(actor=office, token=token, skip_errors=False)

    # Activities --------------------------------------------------------------------------------------------------

    @cached_property
    def running_activity(self):
        """Published, started five minutes ago, two hours long (check-in open); org.sector (member) is invited."""
        return running_activity(self.org)

    @cached_property
    def material(self):
        return material_add(
            activity_id=self.running_activity.pk, actor=self.users["staff"], name="调研提纲.pdf", data=PDF
        )

    @cached_property
    def invited_activity(self):
        """Published, in ten days; only member2 (sector 教育) is invited."""
        start = timezone.now() + datetime.timedelta(days=10)
        return published_activity(
            self.org, title="教育界别调研", kind="research", start=start, hours=3, sector=self.org.other_sector
        )


# Arguments for URLs that take them, all pointing at objects of the ``org`` fixture.
URL_KWARGS: dict[str, Callable[[Objects], dict]] = {
    "people:member_detail": lambda o: {"pk": o.org.member2.pk},
    "people:member_edit": lambda o: {"pk": o.org.member2.pk},
    "people:member_status": lambda o: {"pk": o.org.member2.pk},
    "people:unit_detail": lambda o: {"pk": o.org.unit.pk},
    "people:unit_edit": lambda o: {"pk": o.org.unit.pk},
    "people:unit_staff_add": lambda o: {"pk": o.org.unit.pk},
    "people:unit_staff_remove": lambda o: {
        "pk": o.org.unit.pk,
        "staff_pk": UnitStaff.objects.get(unit=o.org.unit, user=o.users["unit"]).pk,
    },
    "accounts:revoke_token": lambda o: {"token_id": api_token_issue(user=o.users["member2"])[1].pk},
    "notifications:mark_read": lambda o: {
        "pk": notify(recipients=[o.users["member2"]], kind="test", title="给李委员的通知")[0].pk
    },
    "workdays:delete_correction": lambda o: {
        "pk": correction_set(
            actor=o.users["admin"], date=datetime.date(2026, 12, 5), is_working_day=True, note="测试"
        ).pk
    },
    "proposals:detail": lambda o: {"pk": o.proposal.pk},
    "proposals:edit": lambda o: {"pk": o.proposal.pk},
    "proposals:act": lambda o: {"pk": o.proposal.pk, "action": "close"},
    "proposals:batch": lambda o: {"action": "register"},
    "proposals:attachment_upload": lambda o: {"pk": o.proposal.pk},
    "proposals:assignment_act": lambda o: {"pk": o.assignment.pk, "action": "record_contact"},
    "proposals:action_form": lambda o: {"pk": o.proposal.pk, "action": "propose_key"},
    "proposals:assignment_action_form": lambda o: {"pk": o.assignment.pk, "action": "record_contact"},
    "proposals:attachment": lambda o: {"pk": o.attachment.pk},
    "proposals:attachment_remove": lambda o: {"pk": o.attachment.pk},
    "proposals:proposal_docx": lambda o: {"pk": o.proposal.pk},
    "proposals:proposal_pdf": lambda o: {"pk": o.proposal.pk},
    "proposals:reply_docx": lambda o: {"pk": o.reply.pk},
    "proposals:reply_pdf": lambda o: {"pk": o.reply.pk},
    "proposals:history_import_job": lambda o: {"pk": o.history_import_job.pk},
    "duty:activity_detail": lambda o: {"pk": o.running_activity.pk},
    "duty:activity_act": lambda o: {"pk": o.running_activity.pk, "action": "sign_up"},
    "duty:activity_edit": lambda o: {"pk": o.running_activity.pk},
    "duty:activity_qr": lambda o: {"pk": o.running_activity.pk},
    "duty:activity_qr_fragment": lambda o: {"pk": o.running_activity.pk},
    "duty:material_upload": lambda o: {"pk": o.running_activity.pk},
    "duty:material_download": lambda o: {"pk": o.running_activity.pk, "material_pk": o.material.pk},
    "duty:attendance_xlsx": lambda o: {"pk": o.running_activity.pk},
    "duty:member_archive": lambda o: {"member_id": o.org.member2.pk},
    "duty:archive_docx": lambda o: {"member_id": o.org.member2.pk},
    "duty:archive_pdf": lambda o: {"member_id": o.org.member2.pk},
    "duty:add_other": lambda o: {"member_id": o.org.member2.pk},
}


# API path parameters naming objects, shared by the operations.
API_OBJECTS: dict[str, Callable[[Objects], int]] = {
    "member_id": lambda o: o.org.member2.pk,
    "unit_id": lambda o: o.org.unit.pk,
    "activity_id": lambda o: o.invited_activity.pk,
    "proposal_id": lambda o: o.proposal.pk,
    "assignment_id": lambda o: o.assignment.pk,
    "attachment_id": lambda o: o.attachment.pk,
}

# Path parameters that are not objects, per operation.
API_PATH_PARAMS: dict[str, dict] = {
    # Asking leave is the invitee's action; the organiser and everyone else must be refused.
    "POST /api/v1/activities/{activity_id}/actions/{action}": {"action": "request_leave"},
    "POST /api/v1/proposals/{proposal_id}/actions/{action}": {"action": "propose_key"},
    "POST /api/v1/proposals/batch-actions/{action}": {"action": "register"},
    "POST /api/v1/assignments/{assignment_id}/actions/{action}": {"action": "record_contact"},
}

# Operations whose body is a multipart form (a file upload) rather than JSON.
MULTIPART_API = {"POST /api/v1/proposals/{proposal_id}/attachments"}

# The later modules keep their rows in tests/access/<module>.py.
for _module in MODULES:
    for _table, _rows in (
        (PAGES, _module.PAGES),
        (API, _module.API),
        (URL_KWARGS, _module.URL_KWARGS),
        (API_OBJECTS, _module.API_OBJECTS),
        (API_PATH_PARAMS, _module.API_PATH_PARAMS),
    ):
        _clash = set(_table) & set(_rows)
        assert not _clash, f"{_module.__name__} repeats rows of the matrix: {sorted(_clash)}"
        _table.update(_rows)
    MULTIPART_API |= _module.MULTIPART_API


def _api_body(op: str, org, objects: Objects) -> dict | None:
    if op == "POST /api/v1/activities":
        start = timezone.now() + datetime.timedelta(days=11)
        return {
            "title": "新的活动",
            "kind": "inspection",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "place": "新建区",
            "invitees": {"all": True},
        }
    if op == "POST /api/v1/activities/{activity_id}/actions/{action}":
        return {"reason": "出差"}
    if op == "PATCH /api/v1/activities/{activity_id}":
        return {"place": "区政协二楼会议室"}
    if op == "POST /api/v1/proposals":
        return {
            "title": "关于建设口袋公园的建议",
            "analysis": "现状分析……",
            "suggestions": "一、……",
            "category": objects.category.pk,
            "suggested_unit_ids": [org.unit.pk],
        }
    if op == "POST /api/v1/proposals/similar":
        return {"title": "关于加快充电桩建设的建议", "text": "现状分析……", "limit": 5}
    if op == "POST /api/v1/proposals/batch-actions/{action}":
        return {"ids": [objects.proposal.pk]}
    if op == "POST /api/v1/proposals/suggest-units":
        return {"title": "关于加快充电桩建设的建议", "text": "老旧小区安装难。", "limit": 3}
    if op == "PATCH /api/v1/proposals/{proposal_id}":
        return {"title": "关于加快充电桩建设的建议（修改）"}
    if op == "POST /api/v1/proposals/{proposal_id}/actions/{action}":
        return {"supervising_leader_id": org.users["leader"].pk}
    if op == "POST /api/v1/assignments/{assignment_id}/actions/{action}":
        return {"date": str(timezone.localdate()), "way": "phone", "summary": "电话沟通了办理思路"}
    if op == "POST /api/v1/proposals/{proposal_id}/attachments":
        return {"file": SimpleUploadedFile("补充材料.pdf", PDF, content_type="application/pdf")}
    for module in MODULES:
        body = module.api_body(op, org, objects)
        if body is not None:
            return body
    return None


def _walk(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full_ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern), p


def _all_url_patterns() -> list[tuple[str, str, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _api_paths() -> set[str]:
    return set(api.get_openapi_schema()["paths"])


def _is_api_operation(name: str) -> bool:
    return name is not None and name.startswith("api:") and name not in NINJA_PAGES


def _page_names() -> set[str]:
    return {name for name, _route, _p in _all_url_patterns() if not _is_api_operation(name)}


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in {"sessions.Session"} and m._meta.managed and not m._meta.proxy
    }


def _url_for(url_name: str, org) -> str:
    route = next(route for name, route, _p in _all_url_patterns() if name == url_name)
    if "<" in route and url_name not in URL_KWARGS:
        pytest.fail(f"{url_name} ({route}) takes arguments: add them to URL_KWARGS in tests/test_access_matrix.py")
    kwargs = URL_KWARGS[url_name](Objects(org)) if url_name in URL_KWARGS else {}
    return reverse(url_name, kwargs=kwargs)


def _allowed_methods(url_name: str) -> set[str]:
    """The methods a view's ``require_http_methods`` (``require_safe``, ``require_POST`` …) lets through; all when
    it has none."""
    view = next(p.callback for name, _route, p in _all_url_patterns() if name == url_name)
    while inspect.isfunction(view):
        allowed = inspect.getclosurevars(view).nonlocals.get("request_method_list")
        if allowed is not None:
            return set(allowed)
        view = getattr(view, "__wrapped__", None)
    return {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _client(client_for, org, role_key):
    return client_for(None if role_key == "anonymous" else org.users[role_key])


def _login_redirect(url: str) -> str:
    return f"{reverse('accounts:login')}?next={quote(url)}"


# Coverage ------------------------------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    # given every URL pattern the project serves
    unnamed = sorted(route for name, route, _p in _all_url_patterns() if not name)
    missing = sorted(_page_names() - set(PAGES))
    stale = sorted(set(PAGES) - _page_names())
    # then each has a row (and no row is left over from a removed URL)
    assert unnamed == [], f"URL patterns without a name cannot be checked: {unnamed}"
    assert missing == [], f"add these URLs to PAGES in tests/test_access_matrix.py: {missing}"
    assert stale == [], f"these PAGES rows name URLs that no longer exist: {stale}"


def test_every_api_operation_is_in_the_matrix():
    ops = _api_operations()
    missing = sorted(ops - set(API))
    stale = sorted(set(API) - ops)
    assert missing == [], f"add these API operations to API in tests/test_access_matrix.py: {missing}"
    assert stale == [], f"these API rows name operations that no longer exist: {stale}"


def test_every_api_url_pattern_is_an_operation_in_the_schema():
    # An endpoint mounted under api: but missing from the schema would escape the API table.
    paths = _api_paths()
    routes = {
        "/" + route.replace("<", "{").replace(">", "}")
        for name, route, _p in _all_url_patterns()
        if _is_api_operation(name)
    }
    assert sorted(routes - paths) == []
    assert len(routes) == len(paths)


def test_every_view_declares_its_permission():
    offenders = sorted(
        name
        for name, _route, p in _all_url_patterns()
        if not _is_api_operation(name)
        and name not in NO_ZX_PERMISSION_NEEDED
        and not hasattr(p.callback, "zx_permission")
    )
    assert offenders == [], f"views without @require(...) or @public: {offenders}"


def test_every_api_operation_declares_authentication():
    schema = api.get_openapi_schema()
    unauthenticated = sorted(
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not op.get("security")
    )
    assert unauthenticated == sorted(PUBLIC_API)


def test_the_matrix_rows_have_one_status_per_role():
    assert {name: len(row) for name, row in {**PAGES, **API}.items() if len(row) != len(ROLE_KEYS)} == {}


# Pages ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_page_access(url_name, org, client_for):
    # given the URL filled with the fixture's objects
    if url_name not in _page_names():
        pytest.fail(f"{url_name} is in PAGES but no longer exists")
    url = _url_for(url_name, org)
    # when each role requests it
    actual = {}
    for role_key in ROLE_KEYS:
        response = _client(client_for, org, role_key).get(url)
        actual[role_key] = response.status_code
        if role_key == "anonymous" and response.status_code == 302 and PAGES[url_name][0] == 302:
            expected_target = _login_redirect(url) if url_name not in {"set_language"} else "/"
            assert response["Location"] == expected_target, (url_name, response["Location"])
    # then each gets exactly the status in the table
    expected = dict(zip(ROLE_KEYS, PAGES[url_name], strict=True))
    assert actual == expected, {k: (expected[k], actual[k]) for k in ROLE_KEYS if expected[k] != actual[k]}


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_refused_roles_cannot_post_either(url_name, org, client_for):
    """A role refused on GET (sign-in redirect, 403, 404) is refused on POST too, and nothing is written.

    A GET-only view (``require_safe``) answers a POST with 405 before it looks the object up — for an object that
    does not exist as much as for one the role may not see — so there a 404 on GET is a 405 on POST."""
    url = _url_for(url_name, org)
    expected = dict(zip(ROLE_KEYS, PAGES[url_name], strict=True))
    get_only = "POST" not in _allowed_methods(url_name)
    refused = {
        k: 405 if status == 404 and get_only else status
        for k, status in expected.items()
        if status in (403, 404) or (k == "anonymous" and status == 302 and url_name != "set_language")
    }
    if not refused:
        pytest.skip(f"no role is refused {url_name}")
    clients = {k: _client(client_for, org, k) for k in refused}
    before = _row_counts()
    # when each refused role posts to it
    actual = {
        k: clients[k].post(url, {"date": "2026-12-12", "is_working_day": "1", "note": "x"}).status_code for k in refused
    }
    # then it is refused as on GET and no table changed
    assert actual == refused
    assert _row_counts() == before


# API -----------------------------------------------------------------------------------------------------------


def _api_path(op: str, objects: Objects) -> str:
    path = op.split(" ", 1)[1]
    fixed = API_PATH_PARAMS.get(op, {})
    for param in re.findall(r"{(\w+)}", path):
        if param not in fixed and param not in API_OBJECTS:
            pytest.fail(f"{op}: add {{{param}}} to API_OBJECTS or API_PATH_PARAMS")
        value = fixed[param] if param in fixed else API_OBJECTS[param](objects)
        path = path.replace("{" + param + "}", str(value))
    return path


def _api_call(client, op: str, org, objects: Objects, role_key: str, token: str | None):
    method = op.split(" ", 1)[0]
    path = _api_path(op, objects)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if op == "POST /api/v1/auth/token":
        username = "nobody" if role_key == "anonymous" else org.users[role_key].username
        password = "wrong-password" if role_key == "anonymous" else PASSWORD
        return client.post(path, {"username": username, "password": password}, content_type="application/json")
    body = _api_body(op, org, objects)
    if op in MULTIPART_API:
        return getattr(client, method.lower())(path, body, **headers)
    if body is not None:
        return getattr(client, method.lower())(path, body, content_type="application/json", **headers)
    return getattr(client, method.lower())(path, **headers)


@pytest.mark.parametrize("op", sorted(API))
def test_api_access(op, org, client):
    # given a bearer token for each role
    tokens = {k: (None if k == "anonymous" else api_token_issue(user=org.users[k])[0]) for k in ROLE_KEYS}
    objects = Objects(org)
    # when each role calls the operation
    actual = {}
    for role_key in ROLE_KEYS:
        response = _api_call(client, op, org, objects, role_key, tokens[role_key])
        actual[role_key] = response.status_code
        if response.status_code >= 400:
            assert "message" in response.json(), (op, role_key, response.content)
    # then each gets exactly the status in the table
    expected = dict(zip(ROLE_KEYS, API[op], strict=True))
    assert actual == expected, {k: (expected[k], actual[k]) for k in ROLE_KEYS if expected[k] != actual[k]}


@pytest.mark.parametrize("op", sorted(API))
def test_refused_api_calls_change_nothing(op, org, client):
    tokens = {k: (None if k == "anonymous" else api_token_issue(user=org.users[k])[0]) for k in ROLE_KEYS}
    expected = dict(zip(ROLE_KEYS, API[op], strict=True))
    refused = {k: s for k, s in expected.items() if s in (401, 403, 404) and op != "POST /api/v1/auth/token"}
    if not refused:
        pytest.skip(f"no role is refused {op} (the failed sign-in record is checked in accounts tests)")
    objects = Objects(org)
    _api_path(op, objects), _api_body(op, org, objects)  # the objects they name are made before counting
    before = _row_counts()
    actual = {k: _api_call(client, op, org, objects, k, tokens[k]).status_code for k in refused}
    assert actual == refused
    assert _row_counts() == before


# POST-only views: the wrong user's object ----------------------------------------------------------------------


def test_revoking_someone_elses_token_changes_nothing(org, client_for):
    # given a token of member2
    raw, token = api_token_issue(user=org.users["member2"])
    # when member posts its revocation
    response = client_for(org.users["member"]).post(reverse("accounts:revoke_token", kwargs={"token_id": token.pk}))
    # then member lands on their own profile and member2's token still works
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_anonymous_cannot_revoke_a_token(org, client_for):
    raw, token = api_token_issue(user=org.users["member2"])
    url = reverse("accounts:revoke_token", kwargs={"token_id": token.pk})
    response = client_for(None).post(url)
    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_cannot_sign_anyone_out_everywhere(org, client_for):
    epochs = dict(org.users["member"].__class__.objects.values_list("pk", "session_epoch"))
    url = reverse("accounts:logout_everywhere")
    response = client_for(None).post(url)
    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url)
    assert dict(org.users["member"].__class__.objects.values_list("pk", "session_epoch")) == epochs


def test_marking_someone_elses_notification_read_changes_nothing(org, client_for):
    # given a notification for member2
    n = notify(recipients=[org.users["member2"]], kind="test", title="给李委员")[0]
    # when member posts "mark read" for it
    response = client_for(org.users["member"]).post(reverse("notifications:mark_read", kwargs={"pk": n.pk}))
    # then it stays unread
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_the_callers_notifications(org, client_for):
    mine = notify(recipients=[org.users["member"]], kind="test", title="给张委员")[0]
    theirs = notify(recipients=[org.users["member2"]], kind="test", title="给李委员")[0]
    response = client_for(org.users["member"]).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_anonymous_post_to_mark_all_read_changes_nothing(org, client_for):
    n = notify(recipients=[org.users["member"]], kind="test", title="给张委员")[0]
    response = client_for(None).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is None
