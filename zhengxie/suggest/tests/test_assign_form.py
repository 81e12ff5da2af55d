"""The office's assignment form (交办) shows the suggested units with their reasons, or why there are none."""

import pytest

from tests.builders import proposals as make
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
