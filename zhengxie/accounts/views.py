import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhengxie.core.access import public, require, roles_of

from . import services
from .forms import PasswordChange, SignInForm, TokenForm
from .models import ApiToken, SignInEvent
from .roles import STAFF_ROLES
from .selectors import sign_in_history as select_sign_ins
from .user_agents import describe as describe_user_agent


def _safe_next(request, default="core:home"):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse(default)


def locked_out(request, credentials=None, *args, **kwargs):
    """Called by django-axes when an account is locked for too many failures from this address."""
    if request.path.startswith(reverse("api:api-root")):
        # The API's clients read JSON (the API error contract), not the sign-in page.
        return JsonResponse({"message": _("登录失败次数过多，请稍后再试。")}, status=429)
    form = SignInForm(request.POST or None)
    form.is_valid()
    message = _("登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试。") % {
        "minutes": int(settings.AXES_COOLOFF_TIME * 60)
    }
    return render(
        request, "accounts/login.html", {"form": form, "error": message, "next": _safe_next(request)}, status=429
    )


@public
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["username"].strip()
        user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
        if isinstance(user, HttpResponseRedirect):  # pragma: no cover - axes returns responses only via callable
            return user
        if user is None:
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            services.sign_in_record(
                request=request,
                user=services.account_by_identifier(identifier),
                identifier=identifier,
                succeeded=False,
                reason="bad_credentials",
            )
            error = _("用户名或密码错误，请重新输入。")
        else:
            login(request, user)
            services.sign_in_record(request=request, user=user, identifier=identifier, succeeded=True)
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _safe_next(request)},
        status=401 if error else 200,
    )


@public
@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("您已退出登录。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require(None)
@require_POST
def logout_everywhere(request):
    revoked = services.account_sign_out_everywhere(user=request.user, actor=request.user)
    logout(request)
    messages.info(request, _("已在所有设备上退出登录，并吊销了 %(n)d 个 API 令牌。") % {"n": revoked})
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require(None)
def profile(request):
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "has_totp": services.totp_confirmed_device(request.user) is not None,
            "is_staff_role": bool(roles_of(request.user) & STAFF_ROLES),
            "otp_required": settings.ZHENGXIE_REQUIRE_STAFF_OTP,
        },
    )


@require(None)
@require_POST
def revoke_token(request, token_id: int):
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is not None:
        services.api_token_revoke(token=token, actor=request.user)
        messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:profile")


@require(None)
def password_change(request):
    form = PasswordChange(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_set_password(
            user=request.user, password=form.cleaned_data["new_password1"], actor=request.user
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@require(None)
def sign_in_history(request):
    events = list(select_sign_ins(user=request.user))
    for event in events:
        event.browser = describe_user_agent(event.user_agent)  # "Chrome 131 · Windows", not the raw header
    return render(
        request,
        "accounts/sign_in_history.html",
        {"events": events, "Method": SignInEvent.Method},
    )


def _qr_svg_data_uri(text: str) -> str:
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@require(None)
def otp_setup(request):
    if services.totp_confirmed_device(request.user) is not None and not request.user.is_verified():
        # Binding a new authenticator replaces the current one: prove the current one first, or a stolen password
        # alone would be enough to take over the second factor.
        query = QueryDict(mutable=True)
        query["next"] = request.get_full_path()
        return redirect(f"{reverse('accounts:otp_verify')}?{query.urlencode(safe='/')}")
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("两步验证已启用。"))
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": _qr_svg_data_uri(device.config_url),
            "next": _safe_next(request),
        },
    )


@require(None)
def otp_verify(request):
    device = services.totp_confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:otp_setup')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})
