"""The detail page renders an empty action form's fields once per action and language and reuses them on every
report; a form sent back with errors, and the edit form filled with the report's text, are rendered afresh."""

import pytest
from django.core.cache import cache
from lxml import html

from tests.builders import opinions as make

pytestmark = pytest.mark.django_db


def _names(form) -> list[str]:
    return list(dict.fromkeys(e.get("name") for e in form.xpath(".//*[@name][not(@type='hidden')]")))


def _form(page: str, action: str):
    return html.fromstring(page).xpath(f"//*[@data-action-form='{action}']//form")[0]


def test_empty_action_forms_are_the_same_on_every_report_and_errors_are_not_cached(org, client_for):
    cache.clear()
    first = make.reported(org, joint=False, levels=("city",))
    second = make.reported(org, joint=False, title="关于另一个问题的建议", levels=("city",))
    client = client_for(org.users["staff"])
    # given the adoption form rendered on the first report's page
    one = _form(client.get(f"/opinions/{first.pk}/").content.decode(), "record_adoption")
    # when the second report's page is read
    two = _form(client.get(f"/opinions/{second.pk}/").content.decode(), "record_adoption")
    # then it shows the same fields, posted to its own report
    fields = ["level", "date", "publication"]
    assert _names(one) == _names(two) == fields
    assert one.get("action") == f"/opinions/{first.pk}/actions/record_adoption/"
    assert two.get("action") == f"/opinions/{second.pk}/actions/record_adoption/"
    # and a form sent back with an error shows the error and what was typed, not the cached empty fields
    response = client.post(
        f"/opinions/{second.pk}/actions/record_adoption/", {"level": "city", "date": "", "publication": "专报第9期"}
    )
    assert response.status_code == 422
    sent = _form(response.content.decode(), "record_adoption")
    assert sent.xpath(".//input[@name='publication']")[0].get("value") == "专报第9期"
    assert sent.xpath(".//*[@aria-invalid='true']")
