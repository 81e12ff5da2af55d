"""Similar proposals (提案查重): a lightly edited copy is found, a proposal never lists itself, each role gets what its
lists show (never a draft), the index follows committed writes only, the rebuild, and the API's bounds."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from tests.builders import proposals as make
from zhengxie.proposals import history_import
from zhengxie.proposals import selectors as proposal_selectors
from zhengxie.proposals.services import proposal_update_draft
from zhengxie.similarity.models import ProposalBand, ProposalSketch
from zhengxie.similarity.services import similar_proposals

pytestmark = pytest.mark.django_db

TITLE = "关于加快老旧小区公共充电桩建设的建议"
ANALYSIS = (
    "近年来我区新能源汽车保有量快速增长，截至去年底已超过一万二千辆，但公共充电桩布点不足、分布不均，"
    "老旧小区由于电力容量有限、停车位紧张、物业管理缺位，居民安装私人充电桩十分困难，"
    "夜间在楼道内飞线充电的现象屡禁不止，存在较大的消防安全隐患。"
)
SUGGESTIONS = (
    "一是编制全区充电设施专项规划，将老旧小区改造与充电设施建设同步设计、同步施工；"
    "二是由供电部门牵头对老旧小区进行电力增容，降低居民报装门槛；"
    "三是鼓励社会资本参与建设运营，推广统建统营模式，对运营企业给予用地和电价支持；"
    "四是加强安全监管，严查楼道飞线充电行为。"
)
# The same proposal lightly edited: a few words changed, punctuation and spacing different.
EDITED_ANALYSIS = ANALYSIS.replace("快速增长", "增长迅速").replace("十分困难", "非常困难").replace("，", " ")
EDITED_SUGGESTIONS = SUGGESTIONS.replace("全区", "全县").replace("给予用地和电价支持", "给予补贴")
OTHER = {
    "title": "关于加强中小学生课后托管服务的建议",
    "analysis": "双职工家庭子女放学后无人看护的问题突出，校内课后服务内容单一，校外托管机构良莠不齐，收费偏高。",
    "suggestions": "一、丰富校内课后服务课程；二、将校外托管机构纳入教育部门监管；三、对困难家庭给予托管费用减免。",
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs ``fn`` with its on-commit callbacks executed, as a committed request would."""

    def run(fn, *args, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kw)

    return run


def ids(matches) -> list[int]:
    return [m.id for m in matches]


def ask(user, title=TITLE, text=EDITED_ANALYSIS + EDITED_SUGGESTIONS, **kw):
    return similar_proposals(user=user, title=title, text=text, **kw)


def test_a_lightly_edited_copy_is_found_first_and_an_unrelated_proposal_is_not(org, category, committed):
    original = committed(make.registered, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)
    other = committed(make.registered, org, category, **OTHER)

    matches = ask(org.users["office"], title="關於加快老舊小區公共充電樁建設的建議")  # traditional characters

    assert ids(matches) == [original.pk]
    assert 0.5 < matches[0].score < 1
    assert (matches[0].number, matches[0].title, matches[0].year) == (original.number, TITLE, original.year)
    assert other.pk not in ids(ask(org.users["office"], limit=50))


def test_a_proposal_is_never_listed_as_similar_to_itself(org, category, committed):
    p = committed(make.submitted, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)
    office = org.users["office"]

    assert [(m.id, m.score) for m in ask(office, text=ANALYSIS + SUGGESTIONS)] == [(p.pk, 1.0)]
    assert ask(office, text=ANALYSIS + SUGGESTIONS, exclude=p.pk) == []


def test_each_role_gets_what_its_lists_show_and_never_a_draft(org, category, committed):
    text = {"title": TITLE, "analysis": ANALYSIS, "suggestions": SUGGESTIONS}
    draft = committed(make.draft, org, category, **text)
    submitted = committed(make.submitted, org, category, **text)
    registered = committed(make.registered, org, category, **text)
    assigned = committed(make.assigned, org, category, **text)
    made = {draft.pk, submitted.pk, registered.pk, assigned.pk}

    for key, user in org.users.items():
        listed = set(proposal_selectors.visible_proposals(user).values_list("pk", flat=True)) & made
        assert set(ids(ask(user))) == listed - {draft.pk}, key
    # What that means, for the record: not even the author is shown a draft; member2 only what is registered.
    assert set(ids(ask(org.users["member"]))) == made - {draft.pk}
    assert set(ids(ask(org.users["member2"]))) == {registered.pk, assigned.pk}
    assert set(ids(ask(org.users["unit"]))) == {assigned.pk}
    assert ask(org.users["unit2"]) == []


def test_the_index_follows_a_committed_write_and_not_a_rolled_back_one(org, category, committed):
    office = org.users["office"]
    p = committed(make.draft, org, category, **OTHER)

    with pytest.raises(RuntimeError), transaction.atomic():
        committed(make.submitted, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)
        raise RuntimeError("rolled back")
    with pytest.raises(RuntimeError), transaction.atomic():
        committed(
            proposal_update_draft,
            proposal_id=p.pk,
            actor=org.users["member"],
            data={"title": TITLE, "analysis": ANALYSIS, "suggestions": SUGGESTIONS},
        )
        raise RuntimeError("rolled back")
    assert ProposalSketch.objects.count() == 1  # only the committed draft
    assert ask(office) == []

    committed(
        proposal_update_draft,
        proposal_id=p.pk,
        actor=org.users["member"],
        data={"title": TITLE, "analysis": ANALYSIS, "suggestions": SUGGESTIONS},
    )
    assert ask(office) == []  # still a draft
    committed(make.act, p, "submit", org.users["member"])
    assert ids(ask(office)) == [p.pk]


def test_a_write_without_commit_leaves_the_index_as_it_was(org, category):
    make.registered(org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)  # callbacks never run

    assert ProposalSketch.objects.count() == 0
    assert ask(org.users["office"]) == []


def test_the_rebuild_command_indexes_every_proposal(org, category, committed):
    a = make.registered(org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)
    b = committed(make.registered, org, category, **OTHER)
    ProposalBand.objects.filter(proposal_id=b.pk).update(key=0)  # a stale entry, repaired by the rebuild

    call_command("rebuild_similarity_index", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(ProposalSketch.objects.values_list("proposal_id", flat=True)) == {a.pk, b.pk}
    assert ids(ask(org.users["office"])) == [a.pk]
    assert ids(ask(org.users["office"], title=OTHER["title"], text=OTHER["analysis"] + OTHER["suggestions"])) == [b.pk]


def test_a_deleted_draft_leaves_the_index(org, category, committed):
    p = committed(make.draft, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)
    assert ProposalBand.objects.filter(proposal_id=p.pk).exists()

    committed(make.act, p, "delete_draft", org.users["member"])

    assert not ProposalSketch.objects.exists() and not ProposalBand.objects.exists()


def test_proposals_imported_from_earlier_years_are_found(org, committed, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the import's stored batches
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.header for c in history_import.COLUMNS])
    cells = {"年度": 2021, "案由": TITLE, "情况分析": ANALYSIS, "具体建议": SUGGESTIONS, "主办单位": "区住建局"}
    sheet.append([cells.get(c.header) for c in history_import.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    rows = history_import.read_rows(SimpleUploadedFile("历年提案.xlsx", out.getvalue()))

    committed(
        history_import.import_confirm, actor=org.users["office"], rows=rows, filename="历年提案.xlsx", skip_errors=False
    )

    [match] = ask(org.users["member2"])
    assert (match.title, match.year) == (TITLE, 2021)


# API ---------------------------------------------------------------------------------------------------------------


def post(client, user, body):
    client.force_login(user)
    return client.post("/api/v1/proposals/similar", json.dumps(body), content_type="application/json")


def test_api_lists_similar_proposals_with_their_score(org, category, committed, client):
    p = committed(make.registered, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)

    res = post(client, org.users["member2"], {"title": TITLE, "text": EDITED_ANALYSIS + EDITED_SUGGESTIONS})

    assert res.status_code == 200
    [row] = res.json()
    assert set(row) == {"id", "number", "title", "year", "score"}
    assert (row["id"], row["number"], row["title"], row["year"]) == (p.pk, p.number, TITLE, p.year)
    assert 0.5 < row["score"] < 1
    res = post(client, org.users["office"], {"title": TITLE, "text": ANALYSIS + SUGGESTIONS, "proposal_id": p.pk})
    assert res.json() == []


@pytest.mark.parametrize(
    "body,field",
    [
        ({"title": "x", "limit": 0}, "limit"),
        ({"title": "x", "limit": 51}, "limit"),
        ({"title": "长" * 201}, "title"),
        ({"text": "长" * 100_001}, "text"),
        ({"title": "x", "proposal_id": 0}, "proposal_id"),
    ],
)
def test_api_refuses_out_of_bounds_input_naming_the_field(org, client, body, field):
    res = post(client, org.users["member"], body)

    assert res.status_code == 422
    assert field in json.dumps(res.json())


@pytest.mark.parametrize(
    "body",
    [{}, {"title": "", "text": ""}, {"title": "。，！？ \n\t"}, {"title": "🙂" * 50}, {"text": "a"}, {"limit": 50}],
)
def test_api_answers_odd_input_with_an_empty_list(org, category, committed, client, body):
    committed(make.registered, org, category, title=TITLE, analysis=ANALYSIS, suggestions=SUGGESTIONS)

    res = post(client, org.users["office"], body)

    assert res.status_code == 200 and res.json() == []


def test_api_needs_a_signed_in_caller(client):
    res = client.post("/api/v1/proposals/similar", "{}", content_type="application/json")

    assert res.status_code == 401


@pytest.mark.parametrize("title", ["\ud800停车", "\x00", "\u200b\ufeff", "𠀀𠀁𠀂𠀃" * 10, "A" * 200])
def test_api_never_fails_on_unusual_characters(org, client, title):
    res = post(client, org.users["member"], {"title": title, "text": title})

    assert res.status_code in (200, 422)
