"""Tags of the page frame (base.html) that every signed-in page renders: each makes once per process what does not
change from one request to the next, so that the frame costs a page little."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from zhengxie.core.navigation import nav_html

register = template.Library()

_URLS: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main navigation's entries for the signed-in user, the page's ``active_nav`` marked current."""
    return nav_html(context.get("user"), context.get("active_nav"))


@register.simple_tag
def frame_url(name: str) -> str:
    """``{% url name %}`` for the frame's links, which take no arguments: reversed once per URL configuration and
    prefix in a process. (The project mounts each application namespace once, so the page's current app, which
    ``{% url %}`` passes on, cannot change the answer.)"""
    key = (get_urlconf(), get_script_prefix(), name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url
