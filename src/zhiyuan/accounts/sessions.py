"""Sessions in the database (SESSION_ENGINE), each read with its account by one statement,
and both remembered by this process until the sessions or the users table is written."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from zhiyuan.accounts.backends import USER_COLUMNS, user_key
from zhiyuan.accounts.models import BrowserSession
from zhiyuan.core.pagecache import remembered, remembered_beside
from zhiyuan.core.prepared import Prepared

_ROW = Prepared(
    lambda key, now: BrowserSession.objects.filter(
        session_key=key, expire_date__gt=now
    ).values_list("session_data", "expire_date", "user_id", *(f"user__{c}" for c in USER_COLUMNS))[
        :1
    ]
)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, with the row read once per process while the sessions
    table keeps its stamp (core.pagecache.remembered): a sign-out, a sign-in or a flushed
    session anywhere writes the table, so the next request reads it again, and an expired
    session is refused here as the query would. Every signed-in request paid that query.

    The row carries its account's row (`BrowserSession.user`, kept as the session is saved),
    which is remembered as the authentication backend's read of that user
    (backends.PhoneOrUsernameBackend.get_user): on a busy day, when the sessions and users
    tables are written all the time, a signed-in request reads both with one statement.
    """

    @classmethod
    def get_model_class(cls):
        return BrowserSession

    def load(self) -> dict:
        key = self.session_key
        row = remembered(f"session:{key}", self._row, keep_none=False) if key else None
        if row is None or row[1] <= timezone.now():
            self._session_key = None
            return {}
        if row[2] is not None:
            remembered_beside(user_key(row[2]), row[3:], f"session:{key}")
        return self.decode(row[0])

    def _row(self) -> tuple | None:
        return _ROW.first(self.session_key, timezone.now())

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if user_id is not None else None
        return session
