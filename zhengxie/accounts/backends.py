from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from zhengxie.core.validators import normalise_mobile

from .services import account_by_identifier


class UsernameOrMobileBackend(ModelBackend):
    """Sign in with the username or the mobile number on the account (found by its keyed digest)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = account_by_identifier(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def throttle_identifier(request, credentials) -> str | None:
    """The name django-axes counts sign-in failures under (``AXES_USERNAME_CALLABLE``).

    The sign-in accepts one account under many spellings (its username; its mobile with spaces, dashes or +86), so
    failures are counted under the account's username whatever was typed, on the pages and the API alike; otherwise
    each spelling would get its own tries and a locked account would open to a new one. A name that is no account is
    counted under its normalised form, so an unknown mobile gets no more tries for being typed differently."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = (credentials or {}).get(field)
    if typed is None and request is not None:
        typed = request.POST.get(field)
    if not typed:
        return None
    # axes asks several times per attempt; one lookup per request and name is enough.
    memo = getattr(request, "zx_throttle_identifiers", None) if request is not None else None
    if memo is not None and typed in memo:
        return memo[typed]
    user = account_by_identifier(typed)
    if user is not None:
        key = user.get_username()
    else:
        mobile = normalise_mobile(typed)
        key = mobile if mobile.isdigit() and len(mobile) == 11 else typed.strip()
    if request is not None:
        if memo is None:
            memo = request.zx_throttle_identifiers = {}
        memo[typed] = key
    return key
