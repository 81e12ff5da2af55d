"""Uploads: refused from their declared length before they are read; typed by content, named to match it."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.builders import proposals as make
from tests.builders.activities import published_activity
from zhengxie.accounts.services import api_token_issue
from zhengxie.core.exceptions import InvalidInput
from zhengxie.core.uploads import DOCX, XLSX, checked_upload, sniff_content_type
from zhengxie.duty.models import ActivityMaterial
from zhengxie.proposals.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HUGE = 200 * 1024 * 1024


class CountingInput:
    """A WSGI input that declares a huge body and records how much of it anyone read."""

    def __init__(self, head: bytes):
        self.head = head
        self.read_bytes = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        self.read_bytes += size
        return (self.head + b"x" * size)[:size]

    def readline(self, size=-1):
        return self.read(size)


def post_declaring(client: Client, path: str, length: int, **extra):
    boundary = "zxboundary"
    stream = CountingInput(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
    )
    response = client.generic(
        "POST",
        path,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        **{"wsgi.input": stream},
        **extra,
    )
    return response, stream


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(user) -> Client:
    # CSRF checks enforced: that check reads a form's fields, so a refusal must come before it.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


# Declared length ------------------------------------------------------------------------------------------------


def test_an_api_upload_declaring_more_than_the_limit_is_refused_unread(org, category, media):
    draft = make.draft(org, category)
    raw, _token = api_token_issue(user=org.users["member"])
    response, stream = post_declaring(
        Client(), f"/api/v1/proposals/{draft.pk}/attachments", HUGE, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 413
    assert response.json() == {
        "message": "文件超过 20 MB 的上限，未被接收。",
        "errors": [{"field": "file", "message": "过大"}],
    }
    assert stream.read_bytes == 0
    assert Attachment.objects.count() == 0


def test_the_api_limit_follows_the_setting(org, category, media, settings):
    settings.PROPOSALS = {"ATTACHMENT_MAX_BYTES": 1024 * 1024}
    draft = make.draft(org, category)
    raw, _token = api_token_issue(user=org.users["member"])
    response, stream = post_declaring(
        Client(), f"/api/v1/proposals/{draft.pk}/attachments", 2 * 1024 * 1024, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert (response.status_code, response.json()["message"]) == (413, "文件超过 1 MB 的上限，未被接收。")
    assert stream.read_bytes == 0


@pytest.mark.parametrize("page", ["proposal", "material", "member_import", "unit_import"])
def test_a_page_upload_declaring_more_than_the_limit_gets_a_readable_page_unread(org, category, media, page):
    if page == "proposal":
        path, user = reverse("proposals:attachment_upload", args=[make.draft(org, category).pk]), "member"
    elif page == "material":
        path, user = reverse("duty:material_upload", args=[published_activity(org).pk]), "staff"
    else:
        path, user = reverse(f"people:{page}"), "admin"
    response, stream = post_declaring(signed_in(org.users[user]), path, HUGE, HTTP_REFERER="http://testserver/back/")
    assert response.status_code == 413
    assert stream.read_bytes == 0
    text = response.content.decode()
    assert "MB 的上限，未被接收。" in text and 'href="http://testserver/back/"' in text
    assert Attachment.objects.count() == ActivityMaterial.objects.count() == 0


def test_a_page_upload_within_the_limit_still_goes_through(org, category, media):
    draft = make.draft(org, category)
    client = Client()
    client.force_login(org.users["member"])
    response = client.post(
        reverse("proposals:attachment_upload", args=[draft.pk]), {"file": SimpleUploadedFile("报告.pdf", PDF)}
    )
    assert response.status_code == 302
    assert Attachment.objects.get().name == "报告.pdf"


def test_any_other_request_declaring_more_than_the_ceiling_is_413(org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    raw, _token = api_token_issue(user=org.users["staff"])
    response, stream = post_declaring(Client(), "/api/v1/activities", HUGE, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (response.status_code, response.json()) == (413, {"message": "提交的内容超过 1 MB 的上限，未被接收。"})
    assert stream.read_bytes == 0


# Type and name --------------------------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("调研报告")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def zip_of(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_real_office_files_are_recognised():
    assert sniff_content_type(docx_bytes()) == DOCX
    assert sniff_content_type(xlsx_bytes()) == XLSX


def test_a_zip_merely_holding_word_document_xml_is_not_a_word_file():
    assert sniff_content_type(zip_of({"word/document.xml": "<w:document/>"})) is None
    assert sniff_content_type(zip_of({"xl/workbook.xml": "<workbook/>"})) is None


def test_a_package_whose_main_part_is_missing_or_mistyped_is_not_an_office_file():
    real = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    parts = {name: real.read(name) for name in real.namelist()}
    without_main = {k: v for k, v in parts.items() if k != "word/document.xml"}
    assert sniff_content_type(zip_of(without_main)) is None
    mistyped = dict(parts)
    mistyped["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"document.main+xml", b"template.main+xml")
    assert sniff_content_type(zip_of(mistyped)) is None
    with_dtd = dict(parts)
    with_dtd["[Content_Types].xml"] = (
        b'<!DOCTYPE x [<!ENTITY a "a">]>' + parts["[Content_Types].xml"].split(b"?>", 1)[1]
    )
    assert sniff_content_type(zip_of(with_dtd)) is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (".html", PDF),
        ("报告.html", PDF),
        ("报告.pdf.exe", PDF),
        ("报告", PDF),
        ("图.png", PDF),
        ("报告.pdf", docx_bytes()),
    ],
)
def test_a_name_whose_extension_does_not_match_the_content_is_refused(name, data):
    with pytest.raises(InvalidInput) as refused:
        checked_upload(name=name, data=data, max_bytes=1024 * 1024)
    assert refused.value.errors == {"file": "扩展名与内容不符"}


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("报告.PDF", PDF, "application/pdf"),
        ("报告.docx", docx_bytes(), DOCX),
        ("表.xlsx", xlsx_bytes(), XLSX),
        ("表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "application/vnd.ms-excel"),
        ("文.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "application/msword"),
    ],
)
def test_a_name_matching_the_content_is_accepted(name, data, content_type):
    assert checked_upload(name=name, data=data, max_bytes=1024 * 1024).content_type == content_type


def test_a_long_name_is_shortened_keeping_its_extension():
    upload = checked_upload(name="长" * 300 + ".pdf", data=PDF, max_bytes=1024 * 1024)
    assert len(upload.name) == 200 and upload.name.endswith(".pdf")


def test_the_api_refuses_a_pdf_named_html(org, category, media):
    draft = make.draft(org, category)
    raw, _token = api_token_issue(user=org.users["member"])
    response = Client().post(
        f"/api/v1/proposals/{draft.pk}/attachments",
        {"file": SimpleUploadedFile(".html", PDF, content_type="text/html")},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "file", "message": "扩展名与内容不符"}]
    assert Attachment.objects.count() == 0


def test_the_material_page_refuses_a_word_zip_without_its_package(org, media):
    activity = published_activity(org)
    client = Client()
    client.force_login(org.users["staff"])
    fake = SimpleUploadedFile("议程.docx", zip_of({"word/document.xml": "<w:document/>"}))
    response = client.post(reverse("duty:material_upload", args=[activity.pk]), {"file": fake})
    assert response.status_code == 422
    assert ActivityMaterial.objects.count() == 0


@pytest.mark.parametrize("name", ["报告\x00.pdf", "报告\n.pdf", "报告\ud800.pdf", "\x7f.pdf"])
def test_a_name_with_control_characters_is_refused(name):
    with pytest.raises(InvalidInput) as refused:
        checked_upload(name=name, data=PDF, max_bytes=1024 * 1024)
    assert refused.value.errors == {"file": "文件名无效"}
