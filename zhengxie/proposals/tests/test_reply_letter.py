"""The reply letter (答复件, .docx and PDF): the salutation and the opening sentence once — the letter writes them, the
form says so, and any typed at the start of the reply are left out — and the contact person and telephone every
reply letter carries, asked on the reply form (the telephone checked), kept with the reply and shown by the API."""

import io

import docx
import pytest
from django.urls import reverse
from lxml import html

from tests.builders import proposals as make
from tests.documents import pdf_text
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.proposals.documents import reply_body
from zhengxie.proposals.models import Reply

pytestmark = pytest.mark.django_db

TYPED_OPENING = "张委员：\n您提出的《{t}》（第{n}号）收悉。现答复如下：\n已列入明年计划。\n第二段。"


def _draft_on_page(client, a, **fields):
    body = {"text": "已列入明年计划。", "grade": "A", "contact_person": "王五", "contact_phone": "0791-83888888"}
    return client.post(reverse("proposals:assignment_act", args=[a.pk, "draft_reply"]), {**body, **fields})


def _letter(client, reply) -> list[str]:
    response = client.get(reverse("proposals:reply_docx", args=[reply.pk]))
    assert response.status_code == 200
    return [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]


def test_the_letter_writes_the_salutation_and_opening_once_even_when_typed(org, category, client_for):
    # given a reply whose drafter typed the salutation and the opening sentence themselves
    p = make.accepted(org, category)
    text = TYPED_OPENING.format(t=p.title, n=p.number)
    make.act(make.assignment_of(p), "draft_reply", org.users["unit"], text=text, grade="A")
    reply = Reply.objects.get()
    unit = client_for(org.users["unit"])
    # then the Word letter has each once, followed by the reply itself
    texts = _letter(unit, reply)
    opening = f"您提出的《{p.title}》（第{p.number}号）收悉。现答复如下："
    assert texts.count("张委员：") == 1 and texts.count(opening) == 1
    assert texts[texts.index(opening) + 1 : texts.index(opening) + 3] == ["已列入明年计划。", "第二段。"]
    # and so has the PDF
    pdf = pdf_text(unit.get(reverse("proposals:reply_pdf", args=[reply.pk])).content)
    assert pdf.count("收悉") == 1 and pdf.count("张委员：") == 1


def test_only_a_typed_salutation_or_opening_is_left_out():
    assert reply_body("尊敬的张三委员：\n正文。", "张三委员") == ["正文。"]
    assert reply_body("您的提案收悉，现答复如下：我局高度重视。\n第二段。", "张三委员") == [
        "我局高度重视。",
        "第二段。",
    ]
    # a reply that merely mentions receipt, or names the proposer later, keeps every word
    assert reply_body("来函收悉后我局立即研究。\n张三委员：", "张三委员") == ["来函收悉后我局立即研究。", "张三委员："]


def test_the_reply_form_says_the_letter_writes_the_opening(org, category, client_for):
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    response = client_for(org.users["unit"]).get(
        reverse("proposals:assignment_action_form", args=[a.pk, "draft_reply"])
    )
    assert "正式答复件会自动写上称呼和“您提出的《……》（第……号）收悉。现答复如下：”，请从答复正文写起。" in (
        response.content.decode()
    )


def test_the_contact_on_the_reply_form_reaches_the_letter_the_page_and_the_api(org, category, client_for):
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    unit = client_for(org.users["unit"])
    # when the unit drafts its reply naming its contact
    response = _draft_on_page(unit, a)
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert (reply.contact_person, reply.contact_phone) == ("王五", "0791-83888888")
    assert (
        AuditEntry.objects.get(action="assignment.draft_reply").changes["reply"][1]["contact_phone"] == "0791-83888888"
    )
    # then the letter carries it, in Word and in PDF
    assert "联系人：王五　　联系电话：0791-83888888" in _letter(unit, reply)
    assert "联系电话：0791-83888888" in pdf_text(unit.get(reverse("proposals:reply_pdf", args=[reply.pk])).content)
    # the page shows it with the reply, and the API gives it
    doc = html.fromstring(unit.get(reverse("proposals:detail", args=[p.pk])).content)
    assert "0791-83888888" in doc.xpath("//*[@data-testid='reply-contact']")[0].text_content()
    token = api_token_issue(user=org.users["unit"])[0]
    api = client_for(None).get(f"/api/v1/proposals/{p.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    reply_out = api.json()["assignments"][0]["reply"]
    assert (reply_out["contact_person"], reply_out["contact_phone"]) == ("王五", "0791-83888888")


@pytest.mark.parametrize("phone", ["abc", "123", "0791-8388888x", "1" * 25])
def test_a_telephone_that_is_no_telephone_is_refused_and_nothing_saved(phone, org, category, client_for):
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    response = _draft_on_page(client_for(org.users["unit"]), a, contact_phone=phone)
    assert response.status_code == 422
    body = response.content.decode()
    assert "联系电话格式不正确，应如 0791-83888888 或 13800138000。" in body or "联系电话过长" in body
    assert Reply.objects.count() == 0


@pytest.mark.parametrize("phone", ["0791-83888888", "13800138000", "(0791) 8388 8888 转 123", "+86 138 0013 8000"])
def test_landlines_mobiles_and_extensions_are_accepted(phone, org, category):
    p = make.accepted(org, category)
    make.act(make.assignment_of(p), "draft_reply", org.users["unit"], text="答复", grade="A", contact_phone=phone)
    assert Reply.objects.get().contact_phone == phone


def test_the_page_asks_for_the_contact_and_offers_the_units_last_one(org, category, client_for):
    # given the unit named a contact on an earlier reply
    earlier = make.accepted(org, category, title="关于增设公交线路的建议")
    _draft_on_page(client_for(org.users["unit"]), make.assignment_of(earlier))
    p = make.accepted(org, category)
    a = make.assignment_of(p)
    unit = client_for(org.users["unit"])
    # the new reply's form starts with that contact
    form = html.fromstring(
        unit.get(reverse("proposals:assignment_action_form", args=[a.pk, "draft_reply"])).content
    ).xpath("//form[@data-action-form='draft_reply']")[0]
    assert form.xpath(".//input[@name='contact_person']")[0].get("value") == "王五"
    assert form.xpath(".//input[@name='contact_phone']")[0].get("value") == "0791-83888888"
    # and leaving the telephone out on the page is refused
    response = _draft_on_page(unit, a, contact_phone="")
    assert response.status_code == 422
    assert Reply.objects.filter(assignment=a).count() == 0


def test_a_replys_attachment_is_optional_and_not_marked_required(org, category, client_for):
    p = make.reply_drafted(org, category)
    doc = html.fromstring(client_for(org.users["unit"]).get(reverse("proposals:detail", args=[p.pk])).content)
    upload = doc.xpath("//form[@data-testid='reply-upload']")[0]
    file_input = upload.xpath(".//input[@type='file']")[0]
    assert file_input.get("required") is None
    label = upload.xpath(f".//label[@for='{file_input.get('id')}']")[0].text_content()
    assert "附件（可选）" in label and "*" not in label
