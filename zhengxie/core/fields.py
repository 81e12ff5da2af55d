"""Model fields for personal information stored encrypted at rest."""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores ``crypto.encrypt(value)``; reads back the plaintext. Empty stays empty (not encrypted).

    Pair it with a ``CharField`` holding ``crypto.digest(value)`` when the value must be findable by exact match.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "zhengxie.core.fields.EncryptedTextField", args, kwargs
