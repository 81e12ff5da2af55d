"""Every instant the API returns is in the committee's zone (Asia/Shanghai, ``+08:00``), whether just written or read
back from the database: the test walks the answers of every readable operation of the OpenAPI, as each role."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.builders import consultations, deliberations, opinions, supervision, training
from tests.builders import followup as followup_make
from tests.builders import proposals as make
from tests.builders.activities import published_activity
from zhengxie.accounts.services import api_token_issue
from zhengxie.api import api
from zhengxie.opinions.bulletins import bulletin_create
from zhengxie.proposals.services import attachment_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ROLES = ("member", "office", "unit", "staff", "leader")


def instants(value, where: str = "$"):
    """(json path, text) of every date-and-time string in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from instants(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from instants(item, f"{where}[{i}]")
    elif isinstance(value, str) and INSTANT.match(value):
        yield where, value


def off_zone(body) -> list:
    return [(where, text) for where, text in instants(body) if not text.endswith("+08:00")]


@pytest.fixture
def world(org, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    replied = make.reply_approved(org, category)
    draft = make.draft(org, category, title="关于社区养老服务的建议")
    attachment = attachment_add(proposal_id=draft.pk, actor=org.users["member"], name="调研.pdf", data=PDF)
    activity = published_activity(org, attendance="sign_up", sign_up_closes=timezone.now() + datetime.timedelta(days=1))
    seminar = training.seminar(org)
    plan = consultations.published_plan(org)
    consultation = consultations.in_research(org, consultations.consultation_of(org, plan.items.first()))
    consultations.with_meeting(org, consultation, start=timezone.now() + datetime.timedelta(days=20))
    document = followup_make.make_document(org)
    topic = supervision.with_research(org)  # scheme written, investigation started, an inspection linked
    bulletin = bulletin_create(
        actor=org.users["staff"],
        data={"kind": "special", "report_ids": [opinions.reported(org, title="关于加强社区消防设施维护的建议").pk]},
    )
    return {
        "document_id": document,
        "recommendation_id": followup_make.recommendation_ids(document)[0],
        "plan_id": plan.pk,
        "consultation_id": consultation.pk,
        "report_id": opinions.adopted(org, level="city").pk,
        "bulletin_id": bulletin.pk,
        "supervision_plan_id": topic.plan_id,
        "supervision_topic_id": topic.pk,
        "deliberation_id": deliberations.closed_deliberation(org).pk,
        "training_plan_id": training.plan(org, publish=True).pk,
        "seminar_id": seminar.pk,
        "seminar_paper_id": training.paper(org, seminar).pk,
        "proposal_id": replied.pk,
        "draft_id": draft.pk,
        "attachment_id": attachment.pk,
        "activity_id": activity.pk,
        "member_id": org.member.pk,
        "unit_id": org.unit.pk,
    }


def readable_paths(ids: dict) -> list[str]:
    paths = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        files = ("attachment_id", "evidence_id", "material_id")  # these answer with a file
        if "get" not in operations or any(name in path for name in files):
            continue
        filled = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
        paths.append(filled)
    return paths


def test_every_instant_the_api_returns_is_in_the_committees_zone(org, world):
    seen, wrong = 0, []
    for role in ROLES:
        raw, _token = api_token_issue(user=org.users[role])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for path in readable_paths(world):
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
                continue
            body = json.loads(response.content)
            seen += sum(1 for _ in instants(body))
            wrong += [(role, path, *w) for w in off_zone(body)]
        proposal = client.get(f"/api/v1/proposals/{world['proposal_id']}").json()
        if role == "office":
            assert proposal["submitted_at"].endswith("+08:00")
    assert wrong == []
    assert seen > 50  # the walk did reach the timestamps: replies, assignments, the history, the activity


def test_instants_just_written_come_back_in_the_committees_zone(org, category):
    token = Client().post(
        "/api/v1/auth/token", {"username": "demo-member", "password": "zhengxie-demo"}, content_type="application/json"
    )
    assert token.status_code == 200 and token.json()["expires_at"].endswith("+08:00")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
    created = Client().post(
        "/api/v1/proposals",
        {"title": "关于公交线路的建议", "category": category.pk},
        content_type="application/json",
        **bearer,
    )
    assert created.status_code == 201
    assert created.json()["created_at"].endswith("+08:00")
    assert off_zone(created.json()) == []
