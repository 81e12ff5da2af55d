"""The supervision operations fuzzed against the OpenAPI as the whole API is (``tests/test_api_fuzz.py``): no server
error, only declared status codes and content types, bodies matching their schemas — as the secretariat and as a
group member, with generated ids and with the real plan and topic."""

import re

import pytest
from schemathesis import GenerationMode

from tests.builders import supervision as make
from tests.test_api_fuzz import api_schema, failures_of, in_test_transaction  # noqa: F401 - their fixtures
from zhengxie.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["staff", "member"])
def test_the_supervision_api_keeps_its_contract_under_fuzzing(org, settings, tmp_path, request, role):
    # Connections stay open first: loading the schema is a request, whose end would close the test's connection.
    request.getfixturevalue("in_test_transaction")
    api = request.getfixturevalue("api_schema")
    settings.MEDIA_ROOT = tmp_path
    topic = make.organised(org)
    ids = {"supervision_plan_id": topic.plan_id, "supervision_topic_id": topic.pk}
    user = org.users[role]
    token, _row = api_token_issue(user=user)
    operations = [r.ok() for r in api.get_all_operations() if "/supervision-" in r.ok().path]
    assert len(operations) == 8
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += failures_of(operation, user, token, mode)
        known = {name: ids[name] for name in re.findall(r"{(\w+)}", operation.path) if name in ids}
        if known:
            failures += failures_of(operation, user, token, GenerationMode.POSITIVE, known)
            if operation.body or operation.query:
                failures += failures_of(operation, user, token, GenerationMode.NEGATIVE, known)
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
