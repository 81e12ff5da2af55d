"""The pages of opinion reports: the list reads a fixed number of statements however many reports it shows; the
detail puts the person's actions at the top and shows the versions' difference and each level's fate in words; the
draft editor autosaves; the queues list what waits for their role; the API's detail agrees with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders import opinions as make
from zhengxie.opinions.models import OpinionReport

pytestmark = pytest.mark.django_db


def _count_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/opinions/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_reads_a_fixed_number_of_statements(org, client_for):
    client = client_for(org.users["staff"])
    make.adopted(org, level="city")
    _count_list_queries(client)  # the first request of a session reads what later ones find cached
    few = _count_list_queries(client)
    for n in range(4):
        make.reported(org, joint=False, title=f"关于第{n}个问题的建议", levels=("city", "province"))
    assert _count_list_queries(client) == few
    assert OpinionReport.objects.count() == 5


def test_the_detail_shows_actions_diff_and_fate_in_words(org, client_for):
    report = make.reported(org, levels=("city",))
    page = client_for(org.users["member"]).get(f"/opinions/{report.pk}/").content.decode()
    assert 'data-testid="version-diff"' in page and "<ins" in page
    assert "已报送，未采用" in page and "未报送" in page
    assert "reported" not in page.split('data-testid="opinion-state"')[1][:80]  # the state in words
    staff_page = client_for(org.users["staff"]).get(f"/opinions/{report.pk}/").content.decode()
    actions = staff_page.index('data-testid="opinion-actions"')
    assert actions < staff_page.index('id="h-fate"')  # actions at the top
    assert 'data-action="record_adoption"' in staff_page and 'data-action="sign_off"' not in staff_page


def test_a_page_action_is_taken_and_its_done_message_shown(org, client_for):
    report = make.edited(org, joint=False)
    client = client_for(org.users["leader"])
    response = client.post(f"/opinions/{report.pk}/actions/sign_off/", follow=True)
    assert response.status_code == 200
    assert f"已签发：{report.number}" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "signed_off"


def test_a_page_action_with_bad_input_shows_the_form_again_and_writes_nothing(org, client_for):
    report = make.signed_off(org, joint=False)
    response = client_for(org.users["staff"]).post(f"/opinions/{report.pk}/actions/report/", {})
    assert response.status_code == 422
    report.refresh_from_db()
    assert report.state == "signed_off" and not report.levels.exists()


def test_the_draft_editor_autosaves_then_submits(org, client_for):
    client = client_for(org.users["member"])
    first = client.post("/opinions/autosave/", {"title": "关于夜市油烟的建议"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and 'data-state="saved"' in first.content.decode()
    report = OpinionReport.objects.get(author=org.users["member"])
    again = client.post(
        "/opinions/autosave/", {"report": report.pk, "title": "关于夜市油烟扰民的建议"}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 200
    assert OpinionReport.objects.get(pk=report.pk).title == "关于夜市油烟扰民的建议"
    category = make.category()
    response = client.post(
        f"/opinions/{report.pk}/edit/",
        {"title": "关于夜市油烟扰民的建议", "content": "油烟扰民。", "category": category.pk, "intent": "submit"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.number) == ("submitted", f"{timezone.localdate().year}-0001")


def test_the_queues_list_what_waits_for_each_role(org, client_for):
    waiting = make.submitted(org, title="关于公厕改造的建议")
    edited = make.edited(org, joint=False, title="关于路灯维修的建议")
    editor_page = client_for(make.editor(org)).get("/opinions/editing/").content.decode()
    assert waiting.title in editor_page and edited.title in editor_page
    leader_page = client_for(org.users["leader"]).get("/opinions/sign-off/").content.decode()
    assert edited.title in leader_page


def test_the_api_detail_agrees_with_the_page(org, client_for):
    report = make.adopted(org, level="city")
    client = client_for(org.users["member2"])
    body = client.get(f"/api/v1/opinions/{report.pk}").json()
    assert [(lv["level"], lv["status"]) for lv in body["levels"]] == [
        ("city", "已采用"),
        ("province", "未报送"),
        ("national", "未报送"),
    ]
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["allowed_actions"] == []
    assert [c["name"] for c in body["coauthors"]] == ["李委员"]
