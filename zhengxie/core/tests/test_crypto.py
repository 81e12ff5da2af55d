import base64

import pytest
from django.db import connection
from django.test import override_settings

from zhengxie.accounts.models import User
from zhengxie.core import crypto
from zhengxie.core.crypto import DecryptionError
from zhengxie.people.models import Member
from zhengxie.people.selectors import member_list

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()
TWIN = "twin:" + base64.b64encode(b"n" * 32).decode()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names are literals here)
        return cur.fetchone()[0]


def _flip_one_byte(token: str) -> str:
    prefix, key_id, b64 = token.split(":", 2)
    blob = bytearray(base64.b64decode(b64))
    blob[-1] ^= 0x01
    return f"{prefix}:{key_id}:{base64.b64encode(bytes(blob)).decode()}"


# Round trip and tampering --------------------------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", ["13900000001", "36012219750601001X", "张委员 · 南昌市新建区"])
def test_encrypt_then_decrypt_gives_the_plaintext_back(plaintext):
    token = crypto.encrypt(plaintext)
    assert token.startswith(f"v1:{crypto.current_key_id()}:")
    assert plaintext not in token
    assert crypto.decrypt(token) == plaintext


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt("13900000001") != crypto.encrypt("13900000001")


def test_tampered_ciphertext_is_refused():
    token = _flip_one_byte(crypto.encrypt("13900000001"))
    with pytest.raises(DecryptionError, match="failed authentication"):
        crypto.decrypt(token)


@override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{TWIN}")
def test_a_ciphertext_relabelled_to_another_key_id_is_refused():
    # "twin" holds the same key bytes as "new": only the key id bound into the ciphertext tells them apart
    _prefix, _key_id, b64 = crypto.encrypt("13900000001").split(":", 2)
    with pytest.raises(DecryptionError, match="failed authentication"):
        crypto.decrypt(f"v1:twin:{b64}")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("13900000001", "not an encrypted value"),
        ("v2:demo1:AAAA", "unknown format 'v2'"),
        ("v1:nokey:AAAA", "no key with id 'nokey' is configured"),
    ],
)
def test_values_that_are_not_our_ciphertext_are_refused(token, message):
    with pytest.raises(DecryptionError, match=message):
        crypto.decrypt(token)


# Key rotation --------------------------------------------------------------------------------------------------


def test_after_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key():
    # given a value encrypted while only the old key was configured
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        old_token = crypto.encrypt("13900000001")
    # when the new key is put first
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        # then the old value still reads, and new writes use the new key
        assert crypto.decrypt(old_token) == "13900000001"
        new_token = crypto.encrypt("13900000001")
        assert (crypto.key_id_of(old_token), crypto.key_id_of(new_token), crypto.current_key_id()) == (
            "old",
            "new",
            "new",
        )
    # and once the old key is removed, values still under it can no longer be read
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(DecryptionError, match="no key with id 'old'"):
        crypto.decrypt(old_token)


@pytest.mark.django_db
def test_a_member_saved_under_the_old_key_reads_after_rotation_and_is_rewritten_under_the_new(org, settings):
    fixture_key = settings.FIELD_ENCRYPTION_KEYS  # the fixture's other values stay under it
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{OLD},{fixture_key}"):
        member = Member.objects.get(pk=org.member.pk)
        member.set_mobile("13911112222")
        member.save()
        assert _raw("people_member", "mobile", member.pk).startswith("v1:old:")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD},{fixture_key}"):
        member = Member.objects.get(pk=org.member.pk)
        assert member.mobile == "13911112222"
        member.save()
        assert _raw("people_member", "mobile", member.pk).startswith("v1:new:")


def test_misconfigured_keys_are_refused():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FIELD_ENCRYPTION_KEYS="nocolon"), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    short = "short:" + base64.b64encode(b"too-short").decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=short), pytest.raises(ImproperlyConfigured, match="16, 24 or 32"):
        crypto.encrypt("x")


# At rest and lookup --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_personal_fields_are_not_stored_in_plaintext(org):
    raw_mobile = _raw("people_member", "mobile", org.member.pk)
    raw_id = _raw("people_member", "id_number", org.member.pk)
    raw_account_mobile = _raw("accounts_user", "mobile", org.users["member"].pk)
    assert crypto.decrypt(raw_mobile) == "13900000001"
    assert crypto.decrypt(raw_id) == org.member.id_number
    assert crypto.decrypt(raw_account_mobile) == "13900000001"
    for raw in (raw_mobile, raw_id, raw_account_mobile):
        assert raw.startswith("v1:demo1:")
        assert "13900000001" not in raw
        assert org.member.id_number not in raw


@pytest.mark.django_db
def test_empty_values_stay_empty(org):
    user = User.objects.get(pk=org.users["staff"].pk)
    assert (user.mobile, _raw("accounts_user", "mobile", user.pk)) == ("", "")


@pytest.mark.django_db
def test_digest_finds_exactly_the_member_with_that_value(org):
    assert list(Member.objects.filter(mobile_digest=crypto.digest("13900000002"))) == [org.member2]
    assert list(Member.objects.filter(id_number_digest=crypto.digest(org.member.id_number))) == [org.member]
    assert list(Member.objects.filter(mobile_digest=crypto.digest("13900000009"))) == []


def test_digest_normalises_case_and_spaces():
    assert crypto.digest(" 36012219750601001x ") == crypto.digest("36012219750601001X")
    assert crypto.digest("13900000001") != crypto.digest("13900000002")


def test_digest_depends_on_the_hash_key():
    with override_settings(FIELD_HASH_KEY="another-key"):
        other = crypto.digest("13900000001")
    assert other != crypto.digest("13900000001")


@pytest.mark.django_db
def test_member_search_by_exact_id_number_and_mobile(org):
    staff = org.users["staff"]
    by_id = member_list(user=staff, filters={"q": org.member2.id_number.lower()})
    by_mobile = member_list(user=staff, filters={"q": "139-0000-0001"})
    by_partial = member_list(user=staff, filters={"q": "1390000000"})
    assert list(by_id) == [org.member2]
    assert list(by_mobile) == [org.member]
    assert list(by_partial) == []
