from django.urls import reverse
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.todo import TodoItem, register_todo_provider

from .roles import STAFF_ROLES
from .services import totp_confirmed_device


@register_todo_provider
def staff_without_two_factor(user) -> list[TodoItem]:
    """Staff roles should protect their account with two-factor sign-in (required in production)."""
    if roles_of(user) & STAFF_ROLES and totp_confirmed_device(user) is None:
        return [TodoItem(title=_("启用两步验证，保护您的账号"), url=reverse("accounts:otp_setup"), kind=_("账号安全"))]
    return []
