"""A browser's User-Agent header as a person reads it: "Chrome 131 · Windows", "微信 8 · iOS 17", not the raw string.

The header is what the client says of itself: these words only help someone recognise their own sign-ins. The
order of the checks matters, because most browsers also name the engines they descend from (Edge says "Chrome"
and "Safari"; Chrome says "Safari").
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# (pattern, name): the first that matches names the browser; group 1, where present, holds its version.
BROWSERS = [
    (r"MicroMessenger/(\d+)", gettext_lazy("微信")),
    (r"DingTalk/(\d+)", gettext_lazy("钉钉")),
    (r"wxwork/(\d+)", gettext_lazy("企业微信")),
    (r"\bQQ/(\d+)", "QQ"),
    (r"(?:MQQBrowser|QQBrowser)/(\d+)", gettext_lazy("QQ浏览器")),
    (r"UCBrowser/(\d+)", gettext_lazy("UC浏览器")),
    (r"Quark/(\d+)", gettext_lazy("夸克")),
    (r"HuaweiBrowser/(\d+)", gettext_lazy("华为浏览器")),
    (r"MiuiBrowser/(\d+)", gettext_lazy("小米浏览器")),
    (r"SamsungBrowser/(\d+)", gettext_lazy("三星浏览器")),
    (r"(?:Edg|EdgA|EdgiOS|Edge)/(\d+)", "Edge"),
    (r"(?:OPR|Opera)/(\d+)", "Opera"),
    (r"(?:Firefox|FxiOS)/(\d+)", "Firefox"),
    (r"HeadlessChrome/(\d+)", gettext_lazy("Chrome（无界面）")),
    (r"(?:Chrome|CriOS)/(\d+)", "Chrome"),
    (r"Chromium/(\d+)", "Chromium"),
    (r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/", "Safari"),
    (r"Trident/.*rv:(\d+)", "Internet Explorer"),
    (r"MSIE (\d+)", "Internet Explorer"),
]
# (pattern, name): the operating system; group 1, where present, its version.
SYSTEMS = [
    (r"HarmonyOS|OpenHarmony", gettext_lazy("鸿蒙")),
    (r"(?:iPhone|iPad|iPod).*? OS (\d+)", "iOS"),
    (r"Android (\d+)", "Android"),
    (r"Android", "Android"),
    (r"Windows Phone", "Windows Phone"),
    (r"Windows", "Windows"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Ubuntu", "Ubuntu"),
    (r"Linux", "Linux"),
]
# A program rather than a browser: its first product token, as "name version" (python-requests/2.31 → …).
PRODUCT = re.compile(r"^([A-Za-z][\w.-]{0,40})/(\d+)")


def _first(table, text: str) -> str | None:
    for pattern, name in table:
        found = re.search(pattern, text)
        if found:
            version = found.group(1) if found.groups() else None
            return f"{name} {version}" if version else str(name)
    return None


def describe(user_agent: str) -> str:
    """The browser (with its major version) and the system it runs on, in words."""
    text = (user_agent or "").strip()
    if not text:
        return _("未知")
    browser = _first(BROWSERS, text)
    system = _first(SYSTEMS, text)
    if browser is None:
        product = PRODUCT.match(text)
        if product and not product.group(1).startswith("Mozilla"):
            browser = _("程序 %(name)s %(version)s") % {"name": product.group(1), "version": product.group(2)}
    if browser is None and system is None:
        return _("其他浏览器")
    return " · ".join(part for part in (browser or _("其他浏览器"), system) if part)
