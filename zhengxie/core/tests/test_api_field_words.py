"""The API's 422 names the field in words a person recognises ("请填写密码。", "每页条数无效。"), for query and path
parameters and schema-typed bodies alike; every input field the OpenAPI document lists has such words."""

import json

import pytest
from django.test import Client

from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.core.field_words import FIELD_WORDS, field_words

pytestmark = pytest.mark.django_db


def _input_names() -> set[str]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    names: set[str] = set()

    def walk(node, depth=0):
        if depth > 8 or not isinstance(node, dict):
            return
        if "$ref" in node:
            walk(components[node["$ref"].rsplit("/", 1)[1]], depth + 1)
            return
        for name, sub in node.get("properties", {}).items():
            names.add(name)
            walk(sub, depth + 1)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, depth + 1)
        walk(node.get("items"), depth + 1)

    for operations in schema["paths"].values():
        for op in operations.values():
            names.update(p["name"] for p in op.get("parameters", []))
            for media in (op.get("requestBody") or {}).get("content", {}).values():
                walk(media["schema"])
    return names


def test_every_input_field_of_the_api_has_words():
    names = _input_names()
    assert len(names) > 50
    assert sorted(names - set(FIELD_WORDS)) == []


def test_a_nested_or_listed_field_is_named_by_its_last_name():
    assert str(field_words("units.0.unit_id")) == "承办单位"
    assert str(field_words("cosigner_ids.3")) == "联名人"
    assert field_words("") is None


def test_a_missing_field_is_named(org):
    response = Client().post(
        "/api/v1/auth/token", json.dumps({"username": "demo-member"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["message"] == "请填写密码。"
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


@pytest.mark.parametrize(
    "path, message",
    [
        ("/api/v1/members?limit=abc", "每页条数无效。"),
        ("/api/v1/proposals?year=10000", "年度无效。"),
        ("/api/v1/sectors?offset=x", "起始位置无效。"),
    ],
)
def test_a_bad_query_parameter_is_named(org, path, message):
    token = api_token_issue(user=org.users["staff"])[0]
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["message"] == message


def test_a_bad_body_field_is_named(org):
    token = api_token_issue(user=org.users["member"])[0]
    response = Client().post(
        "/api/v1/proposals",
        json.dumps({"title": 12}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["message"] == "案由无效。"
