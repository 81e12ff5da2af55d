"""The page frame's navigation and links, made once per process (``core.navigation.nav_html``, ``page_frame`` tags),
show exactly what the template loop and ``{% url %}`` showed, for each set of roles, language and active entry, and
follow a change of roles at once."""

import re

import pytest
from django.template import Context, Template
from django.urls import set_script_prefix
from django.utils import translation

from zhengxie.accounts.services import role_grant
from zhengxie.core.navigation import NAV, nav_for, nav_html
from zhengxie.core.roles import Role

pytestmark = pytest.mark.django_db

# The loop base.html had before the entries were made once per process: the reference the cached markup must equal.
LOOP = Template(
    "{% for item in nav_items %}\n"
    '        <li class="nav-item"><a class="nav-link{% if active_nav == item.key %} active{% endif %}"'
    ' data-nav="{{ item.key }}"\n'
    '            href="{{ item.url }}"{% if active_nav == item.key %} aria-current="page"{% endif %}>'
    '<i class="bi bi-{{ item.icon }}" aria-hidden="true"></i> {{ item.label }}</a></li>\n'
    "        {% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cached_navigation_is_the_template_loop_for_every_account_and_active_entry(org, language):
    actives = [None, "", "no-such-entry", *(item.key for item in NAV)]
    with translation.override(language):
        for key, user in org.users.items():
            for active in actives:
                expected = LOOP.render(Context({"nav_items": nav_for(user), "active_nav": active}))
                assert nav_html(user, active) == expected, (key, active)


def test_the_navigation_is_in_the_language_of_the_request(org):
    user = org.users["staff"]
    with translation.override("zh-hans"):
        chinese = nav_html(user, "home")
    with translation.override("en"):
        english = nav_html(user, "home")
    assert "工作台" in chinese and "工作台" not in english


def _nav_keys(html: str) -> list[str]:
    return re.findall(r'data-nav="([a-z_]+)"', html)


def test_a_new_role_shows_its_entries_on_the_next_page(org, client_for):
    user = org.users["overseer"]
    before = _nav_keys(client_for(user).get("/").content.decode())
    assert "audit" not in before
    role_grant(user=user, role=Role.ADMIN, actor=org.users["admin"])
    user.refresh_from_db()
    after = _nav_keys(client_for(user).get("/").content.decode())
    assert "audit" in after and set(before) < set(after)


def test_the_active_entry_is_marked_current(org, client_for):
    html = client_for(org.users["staff"]).get("/").content.decode()
    current = re.findall(r'class="nav-link active" data-nav="([a-z_]+)"\s+href="[^"]+" aria-current="page"', html)
    assert current == ["home"]


def test_the_frame_links_follow_the_script_prefix(org):
    user = org.users["staff"]
    frame = Template("{% load page_frame %}{% frame_url 'accounts:profile' %}|{% main_nav %}")
    plain = frame.render(Context({"user": user, "active_nav": "home"}))
    set_script_prefix("/zx/")
    try:
        prefixed = frame.render(Context({"user": user, "active_nav": "home"}))
    finally:
        set_script_prefix("/")
    assert prefixed.startswith("/zx/accounts/profile/|") and 'href="/zx/"' in prefixed
    # Back without the prefix: the addresses made for it are not reused.
    assert frame.render(Context({"user": user, "active_nav": "home"})) == plain
    assert plain.startswith("/accounts/profile/|") and "/zx/" not in plain
