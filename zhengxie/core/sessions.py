"""The database session store, reading the session through a prepared read (``core.prepared``): every signed-in
request reads its session, and Django's own store builds that query afresh each time."""

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import Prepared

_CURRENT = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    name="current session",
    key=str,
    now=datetime.datetime,
)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (``django.contrib.sessions.backends.db``), the same rows and behaviour."""

    def _get_session_from_db(self):
        key = self.session_key
        session = _CURRENT.first(key=key, now=timezone.now()) if isinstance(key, str) and key else None
        if session is None:
            self._session_key = None
        return session
