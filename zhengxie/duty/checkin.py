"""Check-in codes (签到码). The organiser's screen shows a QR code of a URL carrying a code that is signed with the
activity's secret and changes every 30 seconds; it works only from a set time before the start until the end, so
a photographed code cannot be used later. The code names the activity and the 30-second window it was made in."""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings

WINDOW_SECONDS = 30


def _window(at: float) -> int:
    return int(at // WINDOW_SECONDS)


def _sign(activity, window: int) -> str:
    key = hashlib.sha256((settings.SECRET_KEY + activity.checkin_secret).encode()).digest()
    return hmac.new(key, f"{activity.pk}:{window}".encode(), hashlib.sha256).hexdigest()[:20]


def make_code(activity, at: float | None = None) -> tuple[str, int]:
    """The code valid now and the Unix time it stops being shown."""
    at = time.time() if at is None else at
    window = _window(at)
    return f"{activity.pk}.{window}.{_sign(activity, window)}", (window + 1) * WINDOW_SECONDS


@dataclass
class Parsed:
    activity_id: int
    window: int
    signature: str


def parse(code: str) -> Parsed | None:
    try:
        activity_id, window, signature = code.strip().split(".")
        return Parsed(int(activity_id), int(window), signature)
    except (AttributeError, ValueError):
        return None


def verify(activity, parsed: Parsed, at: float | None = None) -> str | None:
    """None when the code is genuine and current; otherwise "forged" or "expired". The window before the
    current one is still accepted, for the seconds between scanning and sending."""
    if parsed.activity_id != activity.pk or not hmac.compare_digest(parsed.signature, _sign(activity, parsed.window)):
        return "forged"
    now_window = _window(time.time() if at is None else at)
    if parsed.window not in (now_window, now_window - 1):
        return "expired"
    return None
