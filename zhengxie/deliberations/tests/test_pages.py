"""The deliberation pages and the API read the same read model: what each reader sees and may do, posting from the
page, the staff's selection and summary from the page, refusals in words, and a list read in a fixed number of
statements."""

import datetime
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders.deliberations import closed_deliberation, draft_deliberation, open_deliberation, opinion
from zhengxie.accounts.services import api_token_issue
from zhengxie.deliberations.models import DeliberationPost
from zhengxie.duty.models import DutyRecord

pytestmark = pytest.mark.django_db


def _api(client, user, path, method="get", body=None):
    token = api_token_issue(user=user)[0]
    call = getattr(client, method)
    if method == "post":
        return call(path, body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    return call(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_invited_member_posts_and_replies_from_the_page(org, client_for):
    d = open_deliberation(org)
    member = client_for(org.users["member"])
    page = member.get(f"/deliberations/{d.pk}/").content.decode()
    assert 'data-testid="post-box"' in page
    response = member.post(f"/deliberations/{d.pk}/act/post/", {"text": "建议加装报警器"})
    first = DeliberationPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/deliberations/{d.pk}/#post-{first.pk}"
    member.post(f"/deliberations/{d.pk}/act/post/", {"text": "补充：联网监测", "reply_to": str(first.pk)})
    assert list(DeliberationPost.objects.values_list("text", "reply_to_id").order_by("pk")) == [
        ("建议加装报警器", None),
        ("补充：联网监测", first.pk),
    ]


def test_a_closed_deliberation_has_no_post_box_and_a_post_is_refused_in_words(org, client_for):
    d = closed_deliberation(org)
    member = client_for(org.users["member"])
    page = member.get(f"/deliberations/{d.pk}/").content.decode()
    assert 'data-testid="post-box"' not in page
    assert "议政已结束，以下发言只读。" in page
    response = member.post(f"/deliberations/{d.pk}/act/post/", {"text": "晚到的意见"})
    assert response.status_code == 409
    assert "网络议政当前状态（已结束）不能发言。" in response.content.decode()
    assert DeliberationPost.objects.count() == 2


def test_past_its_closing_time_the_page_and_the_api_show_it_closed_before_the_job_runs(org, client_for, client):
    # Opening needs a closing time still ahead; the window then passes.
    d = open_deliberation(org, closes_at=timezone.now() + datetime.timedelta(seconds=1))
    time.sleep(1.1)
    page = client_for(org.users["member"]).get(f"/deliberations/{d.pk}/").content.decode()
    assert 'data-state="closed"' in page
    assert 'data-testid="post-box"' not in page
    body = _api(client, org.users["member"], f"/api/v1/deliberations/{d.pk}").json()
    assert (body["state"], body["accepting_posts"], body["allowed_actions"]) == ("closed", False, [])
    d.refresh_from_db()
    assert d.state == "open"


def test_staff_select_from_the_page_and_the_author_gets_the_points_once(org, client_for):
    d = closed_deliberation(org)
    first = d.posts.get(reply_to__isnull=True)
    staff = client_for(org.users["staff"])
    page = staff.get(f"/deliberations/{d.pk}/").content.decode()
    assert f'action="/deliberations/posts/{first.pk}/act/select/"' in page
    assert staff.post(f"/deliberations/posts/{first.pk}/act/select/").status_code == 302
    again = staff.post(f"/deliberations/posts/{first.pk}/act/select/")
    assert again.status_code == 409
    assert "该发言当前状态（已选用）不能选用。" in again.content.decode()
    assert DutyRecord.objects.filter(member=org.member, kind="deliberation_opinion_selected").count() == 1


def test_staff_summarise_from_the_page_into_an_outcome_document(org, client_for):
    d = closed_deliberation(org)
    staff = client_for(org.users["staff"])
    response = staff.post(
        f"/deliberations/{d.pk}/act/summarise/",
        {"summary": "委员们建议加装报警器。", "rec1_text": "推进报警器全覆盖", "rec1_unit": str(org.unit.pk)},
    )
    assert response.status_code == 302
    page = staff.get(f"/deliberations/{d.pk}/").content.decode()
    assert "“数字燃气安全”网络议政综述" in page
    assert 'data-testid="outcome-document"' in page
    d.refresh_from_db()
    assert (d.state, d.summary) == ("summarised", "委员们建议加装报警器。")


def test_a_summary_row_without_its_unit_is_marked_and_nothing_is_written(org, client_for):
    d = closed_deliberation(org)
    response = client_for(org.users["staff"]).post(
        f"/deliberations/{d.pk}/act/summarise/", {"summary": "综述", "rec1_text": "建议一"}
    )
    assert response.status_code == 422
    assert "请选择承办单位" in response.content.decode()
    d.refresh_from_db()
    assert (d.state, d.outcome_document_id) == ("closed", None)


def test_a_member_summarising_is_refused_and_nothing_is_written(org, client_for):
    d = closed_deliberation(org)
    response = client_for(org.users["member"]).post(f"/deliberations/{d.pk}/act/summarise/", {"summary": "综述"})
    assert response.status_code == 403
    d.refresh_from_db()
    assert d.state == "closed"


def test_the_page_and_the_api_agree_for_every_reader(org, client_for, client):
    d = open_deliberation(org)
    first = opinion(org, d)
    opinion(org, d, "同意", reply_to=first.pk)
    for key in ("staff", "leader", "member"):
        user = org.users[key]
        body = _api(client, user, f"/api/v1/deliberations/{d.pk}").json()
        page = client_for(user).get(f"/deliberations/{d.pk}/").content.decode()
        shown = [int(n) for n in re.findall(r'data-post="(\d+)"', page)]
        api_posts = [p["id"] for t in body["posts"] for p in [t, *t["replies"]]]
        assert shown == api_posts, key
        assert ('data-testid="post-box"' in page) == ("post" in body["allowed_actions"]), key
        assert ('data-action="close"' in page) == ("close" in body["allowed_actions"]), key
        buttons = re.findall(r'data-post-action="(\w+)"', page)
        assert buttons == [a for t in body["posts"] for p in [t, *t["replies"]] for a in p["allowed_actions"]], key
    assert _api(client, org.users["staff"], f"/api/v1/deliberations/{d.pk}").json()["posts"][0]["allowed_actions"] == [
        "select"
    ]


def test_the_api_list_filters_and_shows_a_member_only_theirs(org, client):
    open_deliberation(org)
    draft_deliberation(org, title="草稿议题")
    mine = _api(client, org.users["member"], "/api/v1/deliberations").json()
    assert (mine["count"], [i["title"] for i in mine["items"]]) == (1, ["数字燃气安全"])
    assert _api(client, org.users["member2"], "/api/v1/deliberations").json() == {"count": 0, "items": []}
    drafts = _api(client, org.users["staff"], "/api/v1/deliberations?state=draft").json()
    assert [i["title"] for i in drafts["items"]] == ["草稿议题"]
    year = timezone.localdate().year
    assert _api(client, org.users["staff"], f"/api/v1/deliberations?year={year + 1}").json()["count"] == 0


def test_posting_through_the_api_answers_201_and_a_refusal_writes_nothing(org, client):
    d = open_deliberation(org)
    created = _api(client, org.users["member"], f"/api/v1/deliberations/{d.pk}/posts", "post", {"text": "意见"})
    assert created.status_code == 201
    assert created.json()["new_post_id"] == DeliberationPost.objects.get().pk
    empty = _api(client, org.users["member"], f"/api/v1/deliberations/{d.pk}/posts", "post", {"text": "  "})
    assert (empty.status_code, empty.json()["message"]) == (422, "请填写发言内容。")
    assert DeliberationPost.objects.count() == 1


def test_the_list_page_reads_a_fixed_number_of_statements(org, client_for):
    staff = client_for(org.users["staff"])
    open_deliberation(org)
    staff.get("/deliberations/")
    with CaptureQueriesContext(connection) as one:
        assert staff.get("/deliberations/").status_code == 200
    for i in range(4):
        d = open_deliberation(org, title=f"议题{i}")
        opinion(org, d)
    with CaptureQueriesContext(connection) as five:
        page = staff.get("/deliberations/").content.decode()
    assert page.count("data-deliberation=") == 5
    assert len(five) == len(one)


def test_the_conversation_shows_fifty_opinions_a_page_with_their_replies(org, client_for, client):
    d = open_deliberation(org)
    posts = [opinion(org, d, f"意见{i}") for i in range(51)]
    opinion(org, d, "回复最后一条", reply_to=posts[-1].pk)
    page2 = client_for(org.users["member"]).get(f"/deliberations/{d.pk}/?page=2").content.decode()
    assert re.findall(r'data-post="(\d+)"', page2) == [str(posts[-1].pk), str(posts[-1].pk + 1)]
    assert "第 2 / 2 页" in page2
    body = _api(client, org.users["member"], f"/api/v1/deliberations/{d.pk}").json()
    assert (len(body["posts"]), body["page"], body["pages"], body["post_count"], body["opinion_count"]) == (
        50,
        1,
        2,
        52,
        51,
    )


def test_after_posting_the_page_opens_where_the_post_is(org, client_for):
    d = open_deliberation(org)
    posts = [opinion(org, d, f"意见{i}") for i in range(50)]
    member = client_for(org.users["member"])
    response = member.post(f"/deliberations/{d.pk}/act/post/", {"text": "第51条"})
    newest = DeliberationPost.objects.latest("pk")
    assert response["Location"] == f"/deliberations/{d.pk}/?page=2#post-{newest.pk}"
    reply = member.post(f"/deliberations/{d.pk}/act/post/", {"text": "回复", "reply_to": str(posts[0].pk)})
    assert reply["Location"] == f"/deliberations/{d.pk}/#post-{newest.pk + 1}"
