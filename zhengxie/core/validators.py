"""Validation and masking of Chinese ID numbers (居民身份证号码) and mobile numbers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_birth_date(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def validate_id_number(value: str) -> None:
    """GB 11643-1999: 18 characters, 17 digits and a check character, a real birth date."""
    value = normalise_id_number(value)
    if len(value) != 18:
        raise ValidationError(_("身份证号应为18位，现为%(n)d位。") % {"n": len(value)}, code="id_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("身份证号只能由数字和末位的X组成。"), code="id_chars")
    try:
        born = id_number_birth_date(value)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth") from None
    if born < datetime.date(1900, 1, 1) or born > datetime.date.today():
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位错误。"), code="id_check")


def normalise_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(_("手机号应为以1开头的11位数字。"), code="mobile")


def mask_mobile(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "****"


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "****"
