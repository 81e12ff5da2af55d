"""Every bounded number a query takes, sent at its bounds and one past them, to every reading operation of the
OpenAPI: never a server error, only a status the operation declares. The fuzz run (test_api_fuzz.py) draws values at
random; this walk sends the edges on purpose (year 1 once overflowed when a year became a span of instants)."""

import re

import pytest
from django.test import Client

from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api

pytestmark = pytest.mark.django_db


def _bounds(schema: dict) -> tuple | None:
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "integer" and ("minimum" in option or "maximum" in option):
            return option.get("minimum"), option.get("maximum")
    return None


def edge_cases() -> list[tuple[str, str, int, set]]:
    """(url path, query parameter, value, declared status codes) for each bound and the value past it."""
    cases = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        declared = {int(code) for code in operation["responses"]}
        url = re.sub(r"\{\w+\}", "1", path)
        for parameter in operation.get("parameters", []):
            bounds = _bounds(parameter.get("schema", {})) if parameter["in"] == "query" else None
            if bounds is None:
                continue
            low, high = bounds
            for value in [v for v in (low, high) if v is not None] + [
                v for v in (low - 1 if low is not None else None, high + 1 if high is not None else None) if v
            ]:
                cases.append((url, parameter["name"], value, declared))
    return cases


CASES = edge_cases()


def test_the_walk_reaches_the_bounded_parameters():
    assert ("/api/v1/activities", "year", 1) in {(u, p, v) for u, p, v, _ in CASES}
    assert len(CASES) > 20


@pytest.mark.parametrize("role", ["office", "member", "staff"])
def test_numbers_at_their_bounds_never_give_a_server_error(org, role):
    raw, _token = api_token_issue(user=org.users[role])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    wrong = []
    for url, name, value, declared in CASES:
        status = client.get(url, {name: value}).status_code
        if status >= 500 or status not in declared:
            wrong.append((url, name, value, status))
    assert wrong == []
