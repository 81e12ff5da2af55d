"""Password rules with messages in the interface language."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own validator, with its error message in Chinese: Django 5.2 changed that message's msgid and its
    zh-Hans catalogue was not updated, so a too-short password was refused in English."""

    def get_error_message(self):
        return _("密码长度太短。密码必须包含至少 %(min_length)d 个字符。") % {"min_length": self.min_length}
