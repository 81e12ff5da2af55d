from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from zhengxie.core import crypto
from zhengxie.core.validators import normalise_mobile


class UsernameOrMobileBackend(ModelBackend):
    """Sign in with the username or the mobile number on the account (found by its keyed digest)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            mobile = normalise_mobile(username)
            if mobile.isdigit() and len(mobile) == 11:
                user = User.objects.filter(mobile_digest=crypto.digest(mobile)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
