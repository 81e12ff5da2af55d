import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from ninja import Router, Schema, Status

from zhengxie.core.access import roles_of
from zhengxie.core.api_errors import Invalid

from . import services
from .models import SignInEvent
from .roles import STAFF_ROLES

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime.datetime


class MessageOut(Schema):
    message: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: MessageOut, 422: MessageOut, 429: MessageOut})
def issue_token(request, payload: TokenIn):
    """Exchange username (or mobile) and password — plus a TOTP code where two-factor applies — for a token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return Status(429, {"message": "登录失败次数过多，请稍后再试。"})
        services.sign_in_record(
            request=request,
            user=services.account_by_identifier(payload.username),
            identifier=payload.username,
            succeeded=False,
            reason="bad_credentials",
            method=SignInEvent.Method.TOKEN,
        )
        return Status(401, {"message": "用户名或密码错误。"})
    device = services.totp_confirmed_device(user)
    otp_needed = device is not None or (settings.ZHENGXIE_REQUIRE_STAFF_OTP and roles_of(user) & STAFF_ROLES)
    if otp_needed:
        if device is None:
            return Status(401, {"message": "此账号须先在网页上启用两步验证。"})
        if not payload.otp:
            raise Invalid("需要两步验证码。", [{"field": "otp", "message": "必填"}])
        if not device.verify_token(payload.otp):
            services.sign_in_record(
                request=request,
                user=user,
                identifier=payload.username,
                succeeded=False,
                reason="bad_otp",
                method=SignInEvent.Method.TOKEN,
            )
            return Status(401, {"message": "两步验证码不正确。"})
    raw, token = services.api_token_issue(user=user, request=request)
    services.sign_in_record(
        request=request, user=user, identifier=payload.username, succeeded=True, method=SignInEvent.Method.TOKEN
    )
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.delete("/auth/token", response={200: MessageOut})
def revoke_token(request):
    """Revoke the bearer token this request was made with."""
    token = getattr(request.user, "zx_api_token", None)
    if token is None:
        raise Invalid("此请求不是用令牌发出的。")
    services.api_token_revoke(token=token, actor=request.user)
    return {"message": "令牌已吊销。"}
