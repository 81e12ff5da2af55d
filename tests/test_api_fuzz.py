"""The whole API fuzzed against its own OpenAPI (/api/v1/openapi.json) with schemathesis, in-process over WSGI, on the
real database, as the people who use it: a member, the proposal office, a handling unit's staff and the secretariat.

For every operation, valid and invalid requests (a fixed seed, a bounded number of examples each, so every run sends
the same requests) must get no server error, only status codes the operation declares, the content type it declares
and a body matching its response schema. Each role works on a small organisation with a proposal at every stage and a
published activity, so ids in the generated requests sometimes name real objects.
"""

import datetime
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.builders import proposals as make
from tests.builders.activities import published_activity
from zhengxie.accounts.services import api_token_issue
from zhengxie.proposals.services import attachment_add
from zhengxie.wsgi import application

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/openapi.json"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and mode: 30-odd operations × 2 modes × 4 roles stay within two minutes per database.
EXAMPLES = 8
ROLES = ("member", "office", "unit", "staff")


def fuzz_settings(examples: int):
    return settings(
        max_examples=examples,
        derandomize=True,  # the same requests on every run: a failure in CI is a failure here
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


@pytest.fixture
def in_test_transaction():
    """Requests reach the WSGI application directly, so Django would close the database connection after each one
    (it is not in autocommit inside the test's transaction) and PostgreSQL would lose the test's data: as Django's
    test client does, connections are left open while the test runs."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(org, category, settings, tmp_path, in_test_transaction):
    """Objects at several stages, so the fuzzing also reaches past "not found": per role, the ids its requests use
    where an operation takes one (a member's own draft, a proposal waiting for the office, a unit's assignment …)."""
    settings.MEDIA_ROOT = tmp_path
    draft = make.draft(org, category)
    attachment = attachment_add(proposal_id=draft.pk, actor=org.users["member"], name="调研.pdf", data=PDF)
    waiting = make.submitted(org, category, title="关于老旧小区加装电梯的建议")
    handling = make.accepted(org, category, title="关于背街小巷改造的建议")
    make.reply_approved(org, category, title="关于公交线路优化的建议")
    activity = published_activity(org, attendance="sign_up", sign_up_closes=timezone.now() + datetime.timedelta(days=1))
    common = {"activity_id": activity.pk, "member_id": org.member.pk, "unit_id": org.unit.pk}
    assignment = make.assignment_of(handling)
    ids = {
        "member": {"proposal_id": draft.pk, "attachment_id": attachment.pk, "assignment_id": assignment.pk},
        "office": {"proposal_id": waiting.pk, "attachment_id": attachment.pk, "assignment_id": assignment.pk},
        "unit": {"proposal_id": handling.pk, "attachment_id": attachment.pk, "assignment_id": assignment.pk},
        "staff": {"proposal_id": waiting.pk, "attachment_id": attachment.pk, "assignment_id": assignment.pk},
    }
    return org, {role: {**common, **mine} for role, mine in ids.items()}


def failures_of(operation, user, token: str, mode, path_parameters: dict | None = None) -> list[str]:
    """The first failure fuzzing ``operation`` finds as ``user`` (after shrinking), or none."""
    found: list[str] = []
    where = f"{operation.label} [{mode.value}{', known ids' if path_parameters else ''}]"
    # Revoking the token must not end the run's own: that operation gets a fresh token each time.
    revokes = operation.method.upper() == "DELETE" and operation.path.endswith("/auth/token")

    @fuzz_settings(EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        raw = api_token_issue(user=user)[0] if revokes else token
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:
            found.append(f"{where}\n{failure}")
            raise

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # reported with the others at the end
        if not found:
            found.append(f"{where}\n{failure!r}")
    return found[-1:]


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_its_contract_under_fuzzing(world, api_schema, role):
    org, ids = world
    user = org.users[role]
    token, _row = api_token_issue(user=user)
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += failures_of(operation, user, token, mode)
        # Again on the role's own objects: the body and query still generated, the ids real.
        known = {name: ids[role][name] for name in re.findall(r"{(\w+)}", operation.path) if name in ids[role]}
        if known:
            failures += failures_of(operation, user, token, GenerationMode.POSITIVE, known)
            if operation.body or operation.query:
                failures += failures_of(operation, user, token, GenerationMode.NEGATIVE, known)
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
