import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.builders.org import make_id_number
from zhengxie.core.validators import (
    id_check_digit,
    id_number_birth_date,
    mask_id_number,
    mask_mobile,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)


def _code_and_message(value, validator) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code, info.value.messages[0]


# ID numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # the GB 11643 example, check character X
        "11010519491231002x",  # lower-case x is accepted (normalised)
        " 11010519491231002X ",  # surrounding spaces are ignored
        make_id_number(birth=datetime.date(1975, 6, 1), seq=1),
        make_id_number(region="360122", birth=datetime.date(2000, 2, 29), seq=77),
    ],
)
def test_valid_id_numbers_are_accepted(value):
    assert validate_id_number(value) is None


def test_the_check_character_is_computed_per_gb_11643():
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("36012219750601001") == make_id_number(seq=1)[-1]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("11010519491231002", "id_length", "身份证号应为18位，现为17位。"),
        ("11010519491231002X1", "id_length", "身份证号应为18位，现为19位。"),
        ("", "id_length", "身份证号应为18位，现为0位。"),
        ("1101051949123100AX", "id_chars", "身份证号只能由数字和末位的X组成。"),
        ("11010519491231002Y", "id_chars", "身份证号只能由数字和末位的X组成。"),
    ],
)
def test_malformed_id_numbers_are_rejected(value, code, message):
    assert _code_and_message(value, validate_id_number) == (code, message)


@pytest.mark.parametrize("birth", ["19751332", "19750230", "18991231", "20990101"])
def test_id_numbers_with_an_impossible_birth_date_are_rejected(birth):
    # a correct check character, so only the date is wrong
    first17 = f"360122{birth}001"
    value = first17 + id_check_digit(first17)
    assert _code_and_message(value, validate_id_number) == ("id_birth", "身份证号中的出生日期无效。")


def test_an_id_number_with_a_wrong_check_character_is_rejected():
    good = make_id_number(seq=1)
    wrong = next(c for c in "0123456789X" if c != good[-1])
    assert _code_and_message(good[:17] + wrong, validate_id_number) == ("id_check", "身份证号校验位错误。")


def test_birth_date_is_read_from_the_id_number():
    assert id_number_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)


# Mobiles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13900000001", "19912345678", "139 0000 0001", "139-0000-0001", "+8613900000001"])
def test_valid_mobiles_are_accepted(value):
    assert validate_mobile(value) is None


@pytest.mark.parametrize("value", ["12900000001", "1390000000", "139000000012", "23900000001", "1390000000a", ""])
def test_invalid_mobiles_are_rejected(value):
    assert _code_and_message(value, validate_mobile) == ("mobile", "手机号应为以1开头的11位数字。")


def test_mobiles_are_normalised():
    assert normalise_mobile("+86 139-0000 0001") == "13900000001"


# Masking -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13912345678", "139****5678"), ("", ""), ("12345", "****")],
)
def test_mobile_masking(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("11010519491231002X", "110***********002X"), ("", ""), ("1234567", "****")],
)
def test_id_number_masking(value, masked):
    assert mask_id_number(value) == masked
