from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from zhengxie.core.access import roles_of

from .roles import STAFF_ROLES
from .services import totp_confirmed_device

_EXEMPT_PREFIXES = ("/static/", "/api/", "/i18n/", "/accounts/logout/", "/accounts/otp/")


class StaffOtpMiddleware:
    """When ``ZHENGXIE_REQUIRE_STAFF_OTP`` is on, a staff-role account that has not passed two-factor this session
    is sent to set it up or to enter a code before any page. (The API checks the code when issuing a token.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ZHENGXIE_REQUIRE_STAFF_OTP
            and request.user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and roles_of(request.user) & STAFF_ROLES
            and not request.user.is_verified()
        ):
            target = "accounts:otp_verify" if totp_confirmed_device(request.user) else "accounts:otp_setup"
            # Encoded, so a query string in the requested address stays part of "next" (Django's login does the same).
            query = QueryDict(mutable=True)
            query["next"] = request.get_full_path()
            return redirect(f"{reverse(target)}?{query.urlencode(safe='/')}")
        return self.get_response(request)
