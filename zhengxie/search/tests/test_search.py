"""The search over proposals and replies: words inside longer words, both forms of characters, what each role
finds (the lists' rules), the index following writes on commit, the rebuild, and odd queries."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.builders import proposals as make
from zhengxie.core.navigation import nav_for
from zhengxie.proposals import selectors as proposal_selectors
from zhengxie.proposals.models import Proposal, Reply
from zhengxie.proposals.search_index import visible_reply_ids, visible_reply_keys
from zhengxie.proposals.services import proposal_update_draft
from zhengxie.search.models import SearchEntry
from zhengxie.search.selectors import search_entries
from zhengxie.search.services import index_objects

pytestmark = pytest.mark.django_db

PARKING = "关于缓解新建区停车场供需矛盾的建议"


def found(user, query, **kw) -> set[tuple[str, int]]:
    return {(e.kind, e.object_id) for e in search_entries(user=user, query=query, **kw)}


def proposal(p) -> tuple[str, int]:
    return ("proposal", p.pk)


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Runs what is made inside it with its on-commit callbacks executed, as a committed request would."""

    def run(fn, *args, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kw)

    return run


def test_two_character_words_find_longer_words_that_hold_them(org, category, indexed):
    p = indexed(make.registered, org, category, title=PARKING)
    office = org.users["office"]

    assert found(office, "停车") == {proposal(p)}
    assert found(office, "停车场") == {proposal(p)}
    assert found(office, "供需") == {proposal(p)}
    assert found(office, "停车 矛盾") == {proposal(p)}
    assert found(office, "停车 医疗") == set()  # every word must occur


def test_traditional_and_simplified_find_each_other(org, category, indexed):
    simplified = indexed(make.registered, org, category, title="关于加强基层医疗服务的建议")
    traditional = indexed(make.registered, org, category, title="關於改善社區停車與物業管理的建議")
    office = org.users["office"]

    assert found(office, "醫療") == {proposal(simplified)}
    assert found(office, "停车") == {proposal(traditional)}
    assert found(office, "物业") == {proposal(traditional)}


def test_each_role_finds_what_its_lists_show(org, category, indexed):
    draft = indexed(make.draft, org, category, title="关于停车难的建议草稿")
    submitted = indexed(make.submitted, org, category, title="关于停车收费的建议")
    registered = indexed(make.registered, org, category, title="关于停车诱导系统的建议")
    assigned = indexed(make.assigned, org, category, title="关于停车位共享的建议")
    every = {proposal(p) for p in (draft, submitted, registered, assigned)}

    for key, user in org.users.items():
        listed = {proposal(p) for p in proposal_selectors.visible_proposals(user)} & every
        assert found(user, "停车", kind="proposal") == listed, key
    # What that means, for the record: the author sees the draft; the office does not.
    assert found(org.users["member"], "停车") == every
    assert found(org.users["office"], "停车") == every - {proposal(draft)}
    assert found(org.users["member2"], "停车") == {proposal(registered), proposal(assigned)}
    assert found(org.users["unit"], "停车") == {proposal(assigned)}
    assert found(org.users["unit2"], "停车") == set()


def test_replies_are_found_by_those_who_read_them(org, category, indexed):
    drafted = indexed(make.reply_drafted, org, category, title="关于公共停车场建设的建议", text="已新建停车泊位三百个")
    approved = indexed(make.reply_approved, org, category, title="关于停车管理的建议", text="停车收费已调整")
    draft_reply = ("reply", Reply.objects.get(assignment__proposal=drafted).pk)
    approved_reply = ("reply", Reply.objects.get(assignment__proposal=approved).pk)

    assert found(org.users["unit"], "停车", kind="reply") == {draft_reply, approved_reply}
    assert found(org.users["office"], "停车", kind="reply") == {approved_reply}
    assert found(org.users["member"], "停车", kind="reply") == {approved_reply}  # the author, once approved
    assert found(org.users["member2"], "停车", kind="reply") == set()
    assert found(org.users["unit2"], "停车", kind="reply") == set()


@pytest.mark.parametrize("stage", ["reply_drafted", "reply_signed", "evaluating", "rehandling", "closed"])
def test_reply_visibility_agrees_with_the_detail_page(org, category, stage):
    p = make.joint_proposal_at(org, category, stage)
    for key, user in org.users.items():
        shown = set()
        if proposal_selectors.visible_proposals(user).filter(pk=p.pk).exists():
            shown = {r.pk for r in proposal_selectors.visible_replies(user, p)}
        searched = set(Reply.objects.filter(pk__in=visible_reply_ids(user)).values_list("pk", flat=True))
        assert searched == shown, (stage, key)


@pytest.mark.parametrize("stage", ["reply_signed", "closed"])
def test_a_reply_is_found_through_its_proposal_key_by_exactly_those_who_read_it(org, category, stage):
    p = make.joint_proposal_at(org, category, stage)
    replies = set(Reply.objects.filter(assignment__proposal=p).values_list("pk", flat=True))
    index_objects(kind="reply", ids=replies)
    assert set(SearchEntry.objects.filter(kind="reply").values_list("key", flat=True)) == {p.pk}

    narrowed = set()
    for key, user in org.users.items():
        readable = set(visible_reply_ids(user).filter(pk__in=replies).values_list("pk", flat=True))
        keys = visible_reply_keys(user)
        if keys is not None:
            narrowed.add(key)
            assert p.pk in keys or not readable, (stage, key)  # the keys never hide a reply the reader reads
        assert found(user, "答复", kind="reply") == {("reply", pk) for pk in readable}, (stage, key)
    # The proposers are narrowed by key (a reply reaches them once approved); the office, leaders, units are not.
    assert {"member", "member2"} <= narrowed and not {"office", "unit", "unit2"} & narrowed
    assert bool(found(org.users["member2"], "答复", kind="reply")) == (stage == "closed")


def test_filters_by_type_and_year(org, category, indexed):
    p = indexed(make.reply_approved, org, category, title="关于停车管理的建议", text="停车收费已调整")
    office = org.users["office"]

    assert found(office, "停车", kind="proposal") == {proposal(p)}
    assert {k for k, _ in found(office, "停车", kind="reply")} == {"reply"}
    assert found(office, "停车", year=p.year - 1) == set()
    assert len(found(office, "停车", year=p.year)) == 2


def test_title_matches_rank_before_body_matches(org, category, indexed):
    in_body = indexed(make.registered, org, category, title="关于城市更新的建议", analysis="老旧小区停车难。")
    in_title = indexed(make.registered, org, category, title="关于停车难的建议")

    ranked = [e.object_id for e in search_entries(user=org.users["office"], query="停车")]
    assert ranked == [in_title.pk, in_body.pk]


def test_a_draft_edit_reaches_the_index_when_it_commits(org, category, indexed):
    p = indexed(make.draft, org, category, title="关于物业管理的建议")
    member = org.users["member"]

    text = {"title": "关于医疗保障的建议", "analysis": "看病贵。", "suggestions": "扩大医保。"}
    indexed(proposal_update_draft, proposal_id=p.pk, actor=member, data=text)

    assert found(member, "医疗") == {proposal(p)}
    assert found(member, "物业") == set()


def test_a_deleted_draft_leaves_the_index(org, category, indexed):
    p = indexed(make.draft, org, category, title="关于物业管理的建议")
    assert SearchEntry.objects.filter(kind="proposal", object_id=p.pk).exists()

    indexed(make.act, p, "delete_draft", org.users["member"])

    assert not SearchEntry.objects.filter(kind="proposal", object_id=p.pk).exists()
    assert found(org.users["member"], "物业") == set()


@pytest.mark.django_db(transaction=True)
def test_submit_is_indexed_on_commit_and_not_on_rollback(org, category):
    p = make.draft(org, category, title="关于物业管理的建议")
    member, office = org.users["member"], org.users["office"]
    assert found(member, "物业") == {proposal(p)}  # the draft's save committed
    assert found(office, "物业") == set()

    with pytest.raises(RuntimeError), transaction.atomic():
        proposal_update_draft(proposal_id=p.pk, actor=member, data={"title": "关于医疗保障的建议"})
        raise RuntimeError("rolled back")
    assert found(member, "医疗") == set()
    assert SearchEntry.objects.get(kind="proposal", object_id=p.pk).title == "关于物业管理的建议"

    make.act(p, "submit", member)
    assert found(office, "物业") == {proposal(p)}


def test_rebuild_command_refills_the_index(org, category, indexed, capsys):
    p = indexed(make.reply_approved, org, category, title=PARKING)
    before = set(SearchEntry.objects.values_list("kind", "object_id", "title_tokens"))
    SearchEntry.objects.all().delete()
    assert found(org.users["office"], "停车") == set()

    call_command("rebuild_search_index")

    assert set(SearchEntry.objects.values_list("kind", "object_id", "title_tokens")) == before
    assert proposal(p) in found(org.users["office"], "停车")
    assert "search index rebuilt: 2 entries" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("rebuild_search_index", "nonsense")


ODD = [
    "",
    " ",
    '"',
    '""停车',
    "*",
    "停车*",
    "NEAR",
    "NEAR(停车 物业)",
    "-",
    "-停车",
    "(",
    ")",
    "停车 OR 物业",
    "停车 AND",
    "\x00",
    "停\x00车",
    "'",
    "\\",
    "%",
    "_",
    ":",
    "title:停车",
    "^",
    "{}",
    "停" * 1000,
    "a" * 1000,
]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_error(org, category, indexed, client_for, query):
    indexed(make.registered, org, category, title=PARKING)
    office = org.users["office"]
    list(search_entries(user=office, query=query))

    page = client_for(office).get("/search/", {"q": query})
    api = client_for(office).get("/api/v1/search", {"q": query})

    assert page.status_code == 200
    if "\x00" in query:  # the API refuses a NUL in any text, naming the field (as every endpoint does)
        assert (api.status_code, api.json()["errors"][0]["field"]) == (422, "q")
    else:
        assert api.status_code == 200, api.content
        assert api.json()["count"] == len(api.json()["items"])


def test_api_gives_the_documented_fields(org, category, indexed, client_for):
    p = indexed(make.registered, org, category, title=PARKING)

    body = client_for(org.users["office"]).get("/api/v1/search", {"q": "停车", "type": "proposal"}).json()

    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "type": "proposal",
        "type_label": "提案",
        "id": p.pk,
        "title": PARKING,
        "snippet": item["snippet"],
        "highlights": item["highlights"],
        "year": p.year,
        "url": f"/proposals/{p.pk}/",
    }
    assert item["highlights"] and all(item["snippet"][s:e] == "停车" for s, e in item["highlights"])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "停" * 1001}, "关键词无效。"),
        ({"q": "停车", "type": "nonsense"}, "类型无效。"),
        ({"q": "停车", "page": 0}, "页码无效。"),
        ({"q": "x", "year": 0}, "年度无效。"),
    ],
)
def test_api_refuses_bad_filters_naming_the_field(org, client_for, params, message):
    response = client_for(org.users["office"]).get("/api/v1/search", params)
    assert response.status_code == 422
    field = next(k for k in params if k != "q" or len(params) == 1)
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["message"] == message


def test_page_marks_the_words_and_escapes_the_text(org, category, indexed, client_for):
    p = indexed(make.registered, org, category, title="关于<script>停车</script>的建议")
    html = client_for(org.users["office"]).get("/search/", {"q": "停车"}).content.decode()

    assert "&lt;script&gt;<mark>停车</mark>&lt;/script&gt;" in html
    assert "<script>停车" not in html
    assert f'href="/proposals/{p.pk}/"' in html


def test_page_says_when_there_is_nothing_to_search_or_nothing_found(org, client_for):
    c = client_for(org.users["member"])

    assert 'data-testid="search-empty"' in c.get("/search/").content.decode()
    assert "没有找到含“停车”的内容" in c.get("/search/", {"q": "停车"}).content.decode()


def test_page_pages_the_results(org, category, indexed, client_for):
    for i in range(21):
        indexed(make.registered, org, category, title=f"关于停车问题的第{i + 1}条建议")
    c = client_for(org.users["office"])

    first = c.get("/search/", {"q": "停车"}).content.decode()
    second = c.get("/search/", {"q": "停车", "page": 2}).content.decode()

    assert first.count('data-testid="search-result"') == 20 and "找到 21 条结果" in first
    assert second.count('data-testid="search-result"') == 1
    assert "q=%E5%81%9C%E8%BD%A6&amp;page=2" in first
    assert Proposal.objects.count() == 21


def test_page_and_api_read_a_fixed_number_of_statements(org, category, indexed, client_for, django_assert_num_queries):
    indexed(make.reply_approved, org, category, title=PARKING, text="停车收费已调整")
    c = client_for(org.users["office"])
    c.get("/search/", {"q": "停车"})  # sessions, roles and the navigation read once per process
    with CaptureQueriesContext(connection) as few:
        c.get("/search/", {"q": "停车"})
        c.get("/api/v1/search", {"q": "停车"})
    for i in range(20):
        indexed(make.registered, org, category, title=f"关于停车问题的第{i + 1}条建议")

    with django_assert_num_queries(len(few)):
        assert c.get("/search/", {"q": "停车"}).content.decode().count('data-testid="search-result"') == 20
        assert len(c.get("/api/v1/search", {"q": "停车"}).json()["items"]) == 20


def test_every_signed_in_role_has_search_in_the_navigation(org):
    for key, user in org.users.items():
        assert [item["key"] for item in nav_for(user)][-1] == "search", key


def test_only_the_newest_candidates_are_ranked_and_the_count_says_when_more_matched(org, category, indexed):
    from zhengxie.search.selectors import search

    made = [indexed(make.registered, org, category, title=f"关于停车问题的第{i + 1}条建议") for i in range(3)]
    office = org.users["office"]

    bounded = search(user=office, query="停车", limit=2)
    whole = search(user=office, query="停车", limit=3)

    assert (bounded.count, bounded.capped) == (2, True)
    assert {e.object_id for e in bounded.entries} == {made[2].pk, made[1].pk}
    assert (whole.count, whole.capped) == (3, False)
    assert {e.object_id for e in whole.entries} == {p.pk for p in made}
    assert search(user=org.users["member"], query="停车", limit=0).capped is True


def test_the_newest_candidates_are_taken_across_years_and_kinds(org, category, indexed):
    from zhengxie.search.selectors import search

    made = [indexed(make.reply_approved, org, category, title=f"关于停车问题的第{i + 1}条建议") for i in range(5)]
    for p, year in zip(made, (2019, 2021, 2024, 2024, 2016), strict=True):
        Proposal.objects.filter(pk=p.pk).update(year=year)
    index_objects(kind="proposal", ids=[p.pk for p in made])
    index_objects(kind="reply", ids=Reply.objects.values_list("pk", flat=True))
    office = org.users["office"]
    newest = sorted(made, key=lambda p: (Proposal.objects.get(pk=p.pk).year, p.pk), reverse=True)

    for limit in range(7):
        got = search(user=office, query="停车", limit=limit)
        expected = {("proposal", p.pk) for p in newest[: (limit + 1) // 2]}  # a reply shares its proposal's year
        assert {e.kind for e in got.entries} <= {"proposal", "reply"}
        assert (got.count, got.capped) == (limit, True), limit
        assert {(e.kind, e.object_id) for e in got.entries if e.kind == "proposal"} >= expected, limit
    every = search(user=office, query="停车", limit=10)
    assert (every.count, every.capped) == (10, False)
    assert {e.year for e in search(user=office, query="停车", limit=4).entries} == {2024}
    assert {e.year for e in search(user=office, query="停车", limit=6).entries} == {2024, 2021}


def test_the_newest_are_taken_over_gaps_between_years_and_entries_without_a_year_come_last(org, category, indexed):
    from zhengxie.search.selectors import search

    made = [indexed(make.reply_approved, org, category, title=f"关于停车问题的第{i + 1}条建议") for i in range(3)]
    for p, year in zip(made, (2024, 2019, 2022), strict=True):
        Proposal.objects.filter(pk=p.pk).update(year=year)
    index_objects(kind="proposal", ids=[p.pk for p in made])
    index_objects(kind="reply", ids=Reply.objects.values_list("pk", flat=True))
    SearchEntry.objects.filter(year=2022).update(year=None)  # a source whose objects have no year
    office = org.users["office"]

    def years(limit):
        return sorted((e.year or 0 for e in search(user=office, query="停车", limit=limit).entries), reverse=True)

    every = search(user=office, query="停车", limit=10)
    assert (every.count, every.capped) == (6, False)
    assert years(2) == [2024, 2024]
    assert years(4) == [2024, 2024, 2019, 2019]
    assert years(5) == [2024, 2024, 2019, 2019, 0]
    in_2019 = found(office, "停车", year=2019)
    assert proposal(made[1]) in in_2019 and sorted(kind for kind, _ in in_2019) == ["proposal", "reply"]


def test_a_years_newest_are_read_in_slices_of_object_ids_newest_first(org, category, indexed, monkeypatch):
    from zhengxie.search import selectors

    made = []
    for i in range(7):  # two other proposals between two matching ones: the second slice's estimate falls short
        made.append(indexed(make.registered, org, category, title=f"关于停车问题的第{i + 1}条建议"))
        for _ in range(2 if i < 6 else 0):
            indexed(make.registered, org, category, title="关于教育问题的建议")
    office = org.users["office"]
    newest = sorted((p.pk for p in made), reverse=True)
    monkeypatch.setattr(selectors, "SLICE", 0)  # a first slice of one id: the second and the rest are read too

    for limit in range(9):
        with CaptureQueriesContext(connection) as queries:
            got = selectors.search(user=office, query="停车", kind="proposal", limit=limit)
            ids = [e.object_id for e in got.entries]
        assert sorted(ids, reverse=True) == newest[:limit], limit
        assert (got.count, got.capped) == (min(limit, 7), limit < 7), limit
        assert len(queries) <= 6, limit  # the kind's span, at most three slices, the older years, the ranking


def test_api_and_page_say_the_count_is_a_lower_bound_past_the_candidates(
    org, category, indexed, client_for, monkeypatch
):
    from zhengxie.search import selectors

    for i in range(3):
        indexed(make.registered, org, category, title=f"关于停车问题的第{i + 1}条建议")
    c = client_for(org.users["office"])
    assert c.get("/api/v1/search", {"q": "停车"}).json()["count_capped"] is False

    monkeypatch.setattr(selectors, "CANDIDATES", 2)
    body = c.get("/api/v1/search", {"q": "停车"}).json()
    page = c.get("/search/", {"q": "停车"}).content.decode()

    assert (body["count"], body["count_capped"], len(body["items"])) == (2, True, 2)
    assert "找到超过 2 条结果" in page and page.count('data-testid="search-result"') == 2
