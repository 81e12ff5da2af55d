"""Unit suggestion (智能交办): learned from the office's past assignments, with reasons naming real past proposals;
nothing (and why) without history; retrained by the background job after enough new assignments; office only."""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.builders import proposals as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.people.models import HandlingUnit
from zhengxie.proposals.models import Proposal
from zhengxie.suggest import engine, services, tasks
from zhengxie.suggest.models import UnitSuggestionModel

pytestmark = pytest.mark.django_db

HOUSING = [
    "关于加快老旧小区加装电梯的建议",
    "关于加强住宅小区物业管理的建议",
    "关于推进棚户区改造和保障性住房建设的建议",
]
SCHOOLS = [
    "关于加强中小学课后服务的建议",
    "关于缓解中小学教师编制紧张的建议",
    "关于改善农村学校办学条件的建议",
]


def _history(org, category):
    """Housing proposals assigned to 区住建局, school proposals to 区教体局 (the second as lead with a co-handler)."""
    made = {"housing": [], "schools": []}
    for title in HOUSING:
        made["housing"].append(make.assigned(org, category, title=title, units=[(org.unit, "single")]))
    for i, title in enumerate(SCHOOLS):
        if i == 1:
            p = make.assigned(
                org, category, title=title, units=[(org.other_unit, "lead"), (org.unit, "co")], mode="lead"
            )
        else:
            p = make.assigned(org, category, title=title, units=[(org.other_unit, "single")])
        made["schools"].append(p)
    return made


def _api(org, role="office"):
    token = api_token_issue(user=org.users[role])[0]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_no_history_suggests_nothing_and_says_why(org):
    assert services.suggest_units(title="关于老旧小区加装电梯的建议", text="") == []
    status = services.status()
    assert status.ready is False
    assert status.reason == "还没有以往提案的交办记录（可导入往年提案），暂无法推荐承办单位。"
    assert services.train_model() == {"trained": False, "version": 0, "proposals": 0}
    assert not UnitSuggestionModel.objects.exists()

    client = _api(org)
    answer = client.post("/api/v1/proposals/suggest-units", {"title": "关于老旧小区加装电梯的建议"}, "application/json")
    assert answer.status_code == 200 and answer.json() == []
    body = client.get("/api/v1/proposals/suggest-units/status").json()
    assert body["ready"] is False and body["version"] == 0
    assert body["reason"] == "还没有以往提案的交办记录（可导入往年提案），暂无法推荐承办单位。"


def test_learns_from_assignments_and_names_the_similar_past_proposals(org, category):
    made = _history(org, category)
    result = services.train_model()
    assert result["trained"] is True and result["proposals"] == 6

    housing = services.suggest_units(
        title="关于老旧小区电梯加装和物业服务的建议", text="小区加装电梯难、物业管理不规范。"
    )
    assert housing[0].unit_id == org.unit.pk and housing[0].unit == "新建区住房和城乡建设局"
    numbers = {p.number for p in made["housing"]}
    first = housing[0].reasons[0]
    assert first.startswith("类似提案 ") and first.endswith(" 由区住建局单办")
    cited = first.removeprefix("类似提案 ").removesuffix(" 由区住建局单办").split("、")
    assert cited and set(cited) <= numbers

    schools = services.suggest_units(title="关于提高中小学教师待遇的建议", text="农村学校教师流失。")
    assert schools[0].unit_id == org.other_unit.pk
    # The co-handler of a school proposal is not learned as one who answers it.
    school_numbers = {p.number for p in made["schools"]}
    assert all(set(r.split(" ")[1].split("、")) <= school_numbers for r in schools[0].reasons if r.startswith("类似"))
    assert 0 < schools[0].score <= 1


def test_the_proposers_suggested_unit_and_the_category_are_reasons(org, category):
    _history(org, category)
    third = HandlingUnit.objects.create(name="新建区民政局", short_name="区民政局")
    make.assigned(
        org, category, title="关于完善社区养老服务的建议", units=[(third, "single")], suggested_unit_ids=[third.pk]
    )
    services.train_model()
    rows = services.suggest_units(
        title="关于发展社区助餐服务的建议", text="", category=category.pk, suggested=[third.pk], limit=3
    )
    by_unit = {r.unit_id: r for r in rows}
    assert "提案人建议由区民政局承办" in by_unit[third.pk].reasons
    assert "以往“经济建设”类提案 7 件中有 3 件由区住建局承办" in by_unit[org.unit.pk].reasons


def test_training_again_without_new_assignments_changes_nothing(org, category):
    _history(org, category)
    first = services.train_model()
    row = UnitSuggestionModel.objects.get()
    again = services.train_model()
    assert again == {"trained": False, "version": first["version"], "proposals": None}
    assert UnitSuggestionModel.objects.get().trained_at == row.trained_at
    call_command("train_unit_suggestion")
    assert UnitSuggestionModel.objects.get().version == first["version"]
    call_command("train_unit_suggestion", "--force")
    assert UnitSuggestionModel.objects.get().version == first["version"] + 1


def test_the_background_job_retrains_after_enough_new_assignments(org, category, settings):
    settings.SUGGEST_RETRAIN_AFTER = 2
    _history(org, category)
    assert tasks.retrain_unit_suggestion.call_local()["trained"] is True  # nothing trained yet: learn now
    version = UnitSuggestionModel.objects.get().version

    make.assigned(org, category, title="关于规范住宅专项维修资金使用的建议")
    assert tasks.retrain_unit_suggestion.call_local() == {"trained": False, "new_assignments": 1}
    assert UnitSuggestionModel.objects.get().version == version
    assert services.status().new_assignments == 1

    make.assigned(org, category, title="关于加强建筑工地扬尘治理的建议")
    result = tasks.retrain_unit_suggestion.call_local()
    assert result["trained"] is True and result["new_assignments"] == 2
    row = UnitSuggestionModel.objects.get()
    assert row.version == version + 1 and row.proposals == 8
    assert services.status().new_assignments == 0


def test_a_stored_model_answers_as_the_trained_one(org, category):
    _history(org, category)
    examples, _newest = services._get_source().examples()
    model, _validation = engine.train(examples)
    loaded = engine.Model.loads(model.dumps())
    for title in ("关于老旧小区加装电梯的建议", "關於改善農村學校辦學條件的建議", "", "！！！"):
        assert [(s.unit, round(s.score, 9)) for s in loaded.suggest(title, "")] == [
            (s.unit, round(s.score, 9)) for s in model.suggest(title, "")
        ]


def test_traditional_characters_find_the_same_units(org, category):
    _history(org, category)
    services.train_model()
    rows = services.suggest_units(title="關於老舊小區加裝電梯的建議", text="")
    assert rows[0].unit_id == org.unit.pk


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "", "text": ""},
        {"title": "！？。，", "text": "      "},
        {"title": "abc 123", "text": "😀" * 100},
        {"title": "关于", "limit": 10, "category": 999999, "suggested_units": [999999]},
    ],
)
def test_odd_input_answers_a_list(org, category, body):
    _history(org, category)
    services.train_model()
    answer = _api(org).post("/api/v1/proposals/suggest-units", body, "application/json")
    assert answer.status_code == 200
    assert isinstance(answer.json(), list) and len(answer.json()) <= body.get("limit", 5)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "关于", "limit": 0}, "limit"),
        ({"title": "关于", "limit": 11}, "limit"),
        ({"title": "关" * 201}, "title"),
        ({"text": "关" * 20_001}, "text"),
        ({"suggested_units": [0]}, "suggested_units"),
        ({"suggested_units": list(range(1, 22))}, "suggested_units"),
    ],
)
def test_input_out_of_bounds_is_refused(org, body, field):
    answer = _api(org).post("/api/v1/proposals/suggest-units", body, "application/json")
    assert answer.status_code == 422
    assert field in str(answer.json())


def test_the_api_answers_with_reasons(org, category):
    made = _history(org, category)
    services.train_model()
    client = _api(org)
    rows = client.post(
        "/api/v1/proposals/suggest-units",
        {"title": "关于老旧小区加装电梯的建议", "text": "", "limit": 1},
        "application/json",
    ).json()
    assert len(rows) == 1
    assert rows[0]["unit_id"] == org.unit.pk and rows[0]["unit"] == "新建区住房和城乡建设局"
    assert made["housing"][0].number in rows[0]["reasons"][0]
    status = client.get("/api/v1/proposals/suggest-units/status").json()
    assert status["ready"] is True and status["proposals"] == 6 and status["assignments"] == 6
    assert status["reason"] == "已从 6 件以往提案的交办中学习，可以推荐承办单位。"


@pytest.mark.parametrize("role", ["admin", "staff", "leader", "overseer", "unit", "unit-leader", "member"])
def test_only_the_office_is_answered(org, category, role):
    _history(org, category)
    services.train_model()
    client = _api(org, role)
    assert client.post("/api/v1/proposals/suggest-units", {"title": "关于"}, "application/json").status_code == 403
    assert client.get("/api/v1/proposals/suggest-units/status").status_code == 403
    assert Client().get("/api/v1/proposals/suggest-units/status").status_code == 401


def test_a_unit_closed_since_training_is_not_suggested(org, category):
    _history(org, category)
    services.train_model()
    HandlingUnit.objects.filter(pk=org.unit.pk).update(is_active=False)
    rows = services.suggest_units(title="关于老旧小区加装电梯的建议", text="")
    assert org.unit.pk not in [r.unit_id for r in rows]
    assert Proposal.objects.count() == 6


def test_learns_from_proposals_imported_from_earlier_years(org, category, settings, tmp_path):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengxie.proposals import history_import

    settings.VAR_DIR = tmp_path
    header = [c.header for c in history_import.COLUMNS]
    rows = [
        {"年度": 2023, "案号": "20230012", "案由": "关于加强老旧小区改造的建议", "主办单位": "区住建局"},
        {"年度": 2023, "案号": "20230013", "案由": "关于加强中小学课后服务的建议", "主办单位": "区教体局"},
    ]
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("历年提案.xlsx", out.getvalue())
    history_import.import_confirm(
        actor=org.users["office"], rows=history_import.read_rows(upload), filename="历年提案.xlsx", skip_errors=False
    )
    assert Proposal.objects.filter(imported=True).count() == 2
    assert services.train_model()["proposals"] == 2
    rows = services.suggest_units(title="关于老旧小区改造资金的建议", text="")
    assert rows[0].unit_id == org.unit.pk
    assert rows[0].reasons[0] == "类似提案 20230012 由区住建局单办"
