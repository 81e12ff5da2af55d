"""Files people upload (proposal and reply attachments, activity materials), checked and stored the same way
everywhere.

The type is judged by the content: PDF, Word, Excel or an image; anything else (a script, an executable renamed .pdf)
is refused, and so is a name whose extension is not one of that type's (a PDF named ``.html`` would be opened as a
page by whoever downloads it). A file is stored under its SHA-256, so no name a person wrote reaches the file
system. The services check who may upload and where; ``checked_upload`` checks the file itself.
"""

import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .exceptions import InvalidInput

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
OLE = "application/msword"  # an OLE compound file: .doc, or .xls (recorded as such by its name)
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
]

# The extensions a name may end with for each detected type.
EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    GIF: (".gif",),
    OLE: (".doc", ".xls"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}

# Every content type a stored file can have (``Upload.content_type``).
STORED_TYPES = (*EXTENSIONS, XLS)

# An Office Open XML package names its main part in ``_rels/.rels`` and that part's type in ``[Content_Types].xml``
# (ECMA-376 part 2); a zip merely holding a file called ``word/document.xml`` is not a Word document.
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",  # ISO strict
)
_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
# The package's two small descriptors are read whole; anything larger is not an office file we accept.
_DESCRIPTOR_MAX_BYTES = 1024 * 1024


def _descriptor(archive: zipfile.ZipFile, name: str):
    """The parsed XML of a package descriptor, or None when missing, oversize, damaged or declaring a DTD."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _DESCRIPTOR_MAX_BYTES:
        return None
    try:
        raw = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError):
        return None  # damaged, encrypted or in a compression zipfile cannot read
    if len(raw) > _DESCRIPTOR_MAX_BYTES or b"<!DOCTYPE" in raw.upper():  # no entity games
        return None
    try:
        return ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        return None


def _office_open_xml_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None
    with archive:
        rels = _descriptor(archive, "_rels/.rels")
        types = _descriptor(archive, "[Content_Types].xml")
        if rels is None or types is None:
            return None
        targets = [
            r.get("Target", "")
            for r in rels.iter(f"{_PACKAGE_RELS}Relationship")
            if r.get("Type") in _OFFICE_DOCUMENT and r.get("TargetMode", "Internal") == "Internal"
        ]
        if len(targets) != 1:
            return None
        part = "/" + targets[0].lstrip("/")
        if part[1:] not in archive.namelist():
            return None
        content_type = next(
            (
                o.get("ContentType")
                for o in types.iter(f"{_CONTENT_TYPES}Override")
                if o.get("PartName", "").lower() == part.lower()
            ),
            None,
        )
        if content_type is None:
            extension = part.rsplit(".", 1)[-1].lower() if "." in part.rsplit("/", 1)[-1] else ""
            content_type = next(
                (
                    d.get("ContentType")
                    for d in types.iter(f"{_CONTENT_TYPES}Default")
                    if d.get("Extension", "").lower() == extension
                ),
                None,
            )
        return _MAIN_PARTS.get(content_type)


def sniff_content_type(data: bytes) -> str | None:
    """The type of a file judged by its content, not its name: PDF, Word, Excel or an image; else None."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"PK\x03\x04"):  # a zip: .docx and .xlsx are told apart by the main part they declare
        return _office_open_xml_type(data)
    return None


# Control characters (a NUL cannot even be stored by PostgreSQL) and lone surrogates have no place in a file name.
_UNFIT_IN_NAME = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def extension_of(name: str) -> str:
    """The lower-case extension of ``name`` with its dot (``.pdf``), or "" — ``.html`` alone is an extension too."""
    base = name.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base else ""


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
    """The file ``data`` sent as ``name``, if it is not empty, at most ``max_bytes`` long, of an accepted type and
    named with an extension of that type; else ``InvalidInput`` on the field ``file``."""
    if not data:
        raise InvalidInput(_("文件为空。"), {"file": _("空文件")})
    if len(data) > max_bytes:
        raise InvalidInput(_("文件超过 %(n)d MB。") % {"n": max_bytes // (1024 * 1024)}, {"file": _("过大")})
    content_type = sniff_content_type(data)
    if content_type is None:
        raise InvalidInput(_("只能上传 PDF、Word、Excel 或图片文件。"), {"file": _("类型不支持")})
    name = (name or "").strip()
    if _UNFIT_IN_NAME.search(name):
        raise InvalidInput(_("文件名含有不允许的字符（控制字符）。"), {"file": _("文件名无效")})
    extension = extension_of(name)
    if extension not in EXTENSIONS[content_type]:
        # A name the browser would open as something else (a page, a script) must not be served under this type.
        raise InvalidInput(
            _("文件名的扩展名与文件内容不符：此文件应以 %(ext)s 结尾。")
            % {"ext": " / ".join(EXTENSIONS[content_type])},
            {"file": _("扩展名与内容不符")},
        )
    if len(name) > 200:  # the row keeps 200 characters: shorten the stem, never the extension
        name = name[: 200 - len(extension)] + extension
    if content_type == OLE and extension == ".xls":
        content_type = XLS
    return Upload(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
