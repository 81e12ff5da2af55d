"""The office's assignment form (交办) shows the suggested units with their reasons, or why there are none."""

import pytest

from tests.builders import proposals as make
from zhengxie.people.models import HandlingUnit
from zhengxie.suggest import services

pytestmark = pytest.mark.django_db


def _form(client_for, org, p, role="office"):
    return client_for(org.users[role]).get(f"/proposals/{p.pk}/act/assign/form/")


def test_the_assign_form_shows_the_suggested_units_and_why(org, category, client_for):
    past = make.assigned(org, category, title="关于加快老旧小区加装电梯的建议")
    make.assigned(org, category, title="关于加强中小学课后服务的建议", units=[(org.other_unit, "single")])
    services.train_model()
    p = make.registered(org, category, title="关于老旧小区电梯维护的建议")
    html = _form(client_for, org, p).content.decode()
    assert "推荐承办单位" in html
    assert f'data-suggest-unit="{org.unit.pk}" data-suggest-name="新建区住房和城乡建设局"' in html
    assert f"类似提案 {past.number} 由区住建局单办" in html
    assert html.index("新建区住房和城乡建设局</strong>") < html.index("新建区教育体育局</strong>")


def test_without_history_the_form_says_why(org, category, client_for):
    p = make.registered(org, category, title="关于老旧小区电梯维护的建议")
    html = _form(client_for, org, p).content.decode()
    assert "推荐承办单位" in html
    assert "还没有以往提案的交办记录（可导入往年提案），暂无法推荐承办单位。" in html
    assert "data-suggest-unit" not in html


def _queue(client_for, org):
    return client_for(org.users["office"]).get("/proposals/review/assign/").content.decode()


def test_the_assignment_queue_suggests_units_on_each_row(org, category, client_for):
    past = make.assigned(org, category, title="关于加快老旧小区加装电梯的建议")
    school = make.assigned(org, category, title="关于加强中小学课后服务的建议", units=[(org.other_unit, "single")])
    services.train_model()
    make.registered(org, category, title="关于老旧小区电梯维护的建议")
    make.registered(org, category, title="关于中小学课后服务收费的建议")
    html = _queue(client_for, org)
    assert '<th scope="col">推荐承办单位</th>' in html
    assert f'data-suggest-unit="{org.unit.pk}" data-suggest-name="新建区住房和城乡建设局"' in html
    assert f"类似提案 {past.number} 由区住建局单办" in html
    assert f"类似提案 {school.number} 由区教体局单办" in html


def test_the_queue_reads_the_suggestions_with_the_same_queries_however_many_rows(
    org, category, client_for, django_assert_max_num_queries
):
    make.assigned(org, category, title="关于加快老旧小区加装电梯的建议")
    services.train_model()
    make.registered(org, category, title="关于老旧小区电梯维护的建议")
    client = client_for(org.users["office"])
    client.get("/proposals/review/assign/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/proposals/review/assign/")
    for title in ("关于小区停车难的建议", "关于物业服务收费的建议", "关于加装电梯补贴的建议"):
        make.registered(org, category, title=title)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/proposals/review/assign/").content.decode().count("data-unit-suggestion") >= 4


def test_without_history_the_queue_says_why(org, category, client_for):
    make.registered(org, category, title="关于老旧小区电梯维护的建议")
    html = _queue(client_for, org)
    assert "还没有以往提案的交办记录（可导入往年提案），暂无法推荐承办单位。" in html
    assert "data-suggest-unit" not in html


def test_a_proposal_like_no_past_one_gets_no_suggestion_and_says_so(org, category, client_for):
    make.assigned(org, category, title="关于加快老旧小区加装电梯的建议")
    services.train_model()
    HandlingUnit.objects.filter(pk=org.unit.pk).update(is_active=False)  # the only unit learned is closed since
    p = make.registered(org, category, title="关于老旧小区电梯维护的建议")
    html = _form(client_for, org, p).content.decode()
    assert "以往的交办中没有与本提案相近的，暂无推荐。" in html
    assert "data-suggest-unit" not in html
