import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the same thread are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def org(db):
    """A small organisation with one account per role (usernames as in the demo: demo-admin, demo-member …)."""
    from tests.builders.org import build_org

    return build_org()


@pytest.fixture
def category(db):
    """A proposal category, 经济建设."""
    from zhengxie.proposals.models import Category

    return Category.objects.create(name="经济建设", sort_order=1)


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns a Django test client signed in as ``user`` (or anonymous for None)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: LocaleMiddleware leaves the last request's language active in the
    thread, which would otherwise leak into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
