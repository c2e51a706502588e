"""Sessions in the database, each read remembered in this process until the sessions table is
written (SESSION_ENGINE)."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from zhiyuan.core.pagecache import remembered
from zhiyuan.core.prepared import Prepared

_ROW = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data", "expire_date"
    )[:1]
)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, with the row read once per process while the sessions
    table keeps its stamp (core.pagecache.remembered): a sign-out, a sign-in or a flushed
    session anywhere writes the table, so the next request reads it again, and an expired
    session is refused here as the query would. Every signed-in request paid that query."""

    def load(self) -> dict:
        key = self.session_key
        row = remembered(f"session:{key}", self._row, keep_none=False) if key else None
        if row is None or row[1] <= timezone.now():
            self._session_key = None
            return {}
        return self.decode(row[0])

    def _row(self) -> tuple[str, object] | None:
        return _ROW.first(self.session_key, timezone.now())
