"""A NUL (which PostgreSQL cannot store) in any text field of any API body is refused with 422 naming the field, and
changes nothing: the test walks every JSON request body of the OpenAPI, each action's schema included."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.builders import proposals as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.audit.models import AuditEntry
from zhengxie.proposals.models import Attachment, Proposal

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NUL_TEXT = "甲\x00乙"


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_text(schema: dict, components: dict) -> bool:
    schema = _resolve(schema, components)
    if schema.get("type") == "string" and "format" not in schema and "enum" not in schema:
        return True
    return any(_is_text(s, components) for s in schema.get("anyOf", []) if s.get("type") != "null")


def text_fields(schema: dict, components: dict, prefix: str = ""):
    """The dotted names of the free-text properties of an object schema, nested objects included."""
    schema = _resolve(schema, components)
    for name, prop in schema.get("properties", {}).items():
        resolved = _resolve(prop, components)
        if _is_text(prop, components):
            yield prefix + name
        elif resolved.get("type") == "object" or "properties" in resolved:
            yield from text_fields(resolved, components, f"{prefix}{name}.")


def nested(dotted: str, value) -> dict:
    head, _, rest = dotted.partition(".")
    return {head: nested(rest, value) if rest else value}


def body_cases() -> list[tuple[str, str, str]]:
    """(method, url, dotted field) for every text field of every JSON body, per action where a body is one of
    several action schemas (each titled with its action's name)."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    cases = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = _resolve(content["application/json"]["schema"], components)
            variants = schema.get("anyOf") or schema.get("oneOf") or [schema]
            for variant in variants:
                variant = _resolve(variant, components)
                url = re.sub(r"\{action\}", variant.get("title", "x"), path)
                url = re.sub(r"\{\w+\}", "1", url)
                for field in text_fields(variant, components):
                    cases.append((method.upper(), url, field))
    return cases


CASES = body_cases()


def test_the_walk_reaches_the_text_fields():
    fields = {(url.split("/")[3], field) for _m, url, field in CASES}
    assert {("proposals", "title"), ("activities", "title"), ("auth", "username")} <= fields
    assert len(CASES) > 30


@pytest.mark.parametrize(("method", "url", "field"), CASES, ids=[f"{m} {u} {f}" for m, u, f in CASES])
def test_a_nul_in_any_text_field_of_a_body_is_422_naming_it(org, method, url, field):
    raw, _token = api_token_issue(user=org.users["office"])
    before = AuditEntry.objects.count()
    response = Client().generic(
        method,
        url,
        json.dumps(nested(field, NUL_TEXT)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", ["报告\x00.pdf", "报告\x01.pdf"])
def test_a_control_character_in_an_uploaded_files_name_never_reaches_the_database(
    org, category, settings, tmp_path, name
):
    settings.MEDIA_ROOT = tmp_path
    draft = make.draft(org, category)
    raw, _token = api_token_issue(user=org.users["member"])
    response = Client().post(
        f"/api/v1/proposals/{draft.pk}/attachments",
        {"file": SimpleUploadedFile(name, PDF)},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # Django's multipart parser drops some characters from a file's name itself; the upload check refuses the rest.
    assert response.status_code in (201, 422)
    stored = list(Attachment.objects.values_list("name", flat=True))
    assert stored in ([], ["报告.pdf"])


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_over_long_proposal_title_is_422_not_cut(org, category, method):
    draft = make.draft(org, category)
    raw, _token = api_token_issue(user=org.users["member"])
    url = "/api/v1/proposals" if method == "POST" else f"/api/v1/proposals/{draft.pk}"
    response = Client().generic(
        method,
        url,
        json.dumps({"title": "长" * 201}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]
    draft.refresh_from_db()
    assert draft.title == make.TITLE
    assert Proposal.objects.count() == 1
