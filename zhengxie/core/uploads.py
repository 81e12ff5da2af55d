"""Files people upload (proposal and reply attachments, activity materials), checked and stored the same way
everywhere.

The type is judged by the content, never by the name: PDF, Word, Excel or an image; anything else (a script, an
executable renamed .pdf) is refused. A file is stored under its SHA-256, so no name a person wrote reaches the file
system. The services check who may upload and where; ``checked_upload`` checks the file itself.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .exceptions import InvalidInput

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # OLE: .doc / .xls
]


def sniff_content_type(data: bytes) -> str | None:
    """The type of a file judged by its content, not its name: PDF, Word, Excel or an image; else None."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"PK\x03\x04"):  # a zip: .docx and .xlsx are told apart by what they hold
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


@dataclass(frozen=True)
class Upload:
    """A file that passed the checks: what its row records, and its content."""

    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes

    def fields(self) -> dict:
        """The row's fields that describe the file (``name``, ``content_type``, ``size``, ``sha256``)."""
        return {"name": self.name, "content_type": self.content_type, "size": self.size, "sha256": self.sha256}

    def audited(self) -> dict:
        """What the audit trail records of the file."""
        return {"name": self.name, "sha256": self.sha256, "size": self.size}

    def store(self, field_file) -> None:
        """Write the content to the row's file field under its digest; the caller saves the row."""
        field_file.save(self.sha256, ContentFile(self.data), save=False)


def checked_upload(*, name: str, data: bytes, max_bytes: int) -> Upload:
    """The file ``data`` sent as ``name``, if it is not empty, at most ``max_bytes`` long and of an accepted type;
    else ``InvalidInput`` on the field ``file``."""
    if not data:
        raise InvalidInput(_("文件为空。"), {"file": _("空文件")})
    if len(data) > max_bytes:
        raise InvalidInput(_("文件超过 %(n)d MB。") % {"n": max_bytes // (1024 * 1024)}, {"file": _("过大")})
    content_type = sniff_content_type(data)
    if content_type is None:
        raise InvalidInput(_("只能上传 PDF、Word、Excel 或图片文件。"), {"file": _("类型不支持")})
    return Upload(
        name=(name or "file").strip()[:200] or "file",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
