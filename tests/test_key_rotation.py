import base64

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from zhengxie.core import crypto
from zhengxie.people.models import Member

NEW = "new:" + base64.b64encode(b"n" * 32).decode()


def _raw_mobile(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT mobile FROM people_member WHERE id = %s", [pk])
        return cur.fetchone()[0]


def test_rotation_re_encrypts_every_value_under_the_new_key(org, settings):
    # given members encrypted under the current (old) key
    old = settings.FIELD_ENCRYPTION_KEYS
    old_id = crypto.current_key_id()
    member = Member.objects.get(pk=org.member.pk)
    member.set_mobile("13912345678")
    member.save()
    assert crypto.key_id_of(_raw_mobile(member.pk)) == old_id
    # when the new key is put first and the rotation runs
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{old}"):
        call_command("rotate_field_keys", verbosity=0)
        # then the stored values carry the new key id and still read back
        assert crypto.key_id_of(_raw_mobile(member.pk)) == "new"
        assert Member.objects.get(pk=member.pk).mobile == "13912345678"
    # and the old key can be dropped
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert Member.objects.get(pk=member.pk).mobile == "13912345678"
        assert Member.objects.get(pk=org.member2.pk).id_number == org.member2.id_number


def test_the_database_holds_no_plaintext(org):
    raw = _raw_mobile(org.member.pk)
    assert raw.startswith("v1:")
    assert org.member.mobile not in raw
