"""The page cache: public pages rendered once per language for visitors without a session.

A civility day or a newly published project brings bursts of anonymous readers to a few
public pages (PUBLIC_PAGES). A visitor with no session cookie, no pending messages and no
Authorization header sees exactly what every such visitor sees in their language, so the
page is rendered once and served from the cache until a write changes it:

- While a page renders, every table its queries read is noted, with that table's *stamp*
  read before the first query on it.
- Every INSERT, UPDATE or DELETE through Django's database connections (the ORM,
  `.update()`, bulk writes, raw SQL alike) gives its table a new stamp, at once and again
  when the transaction commits (a reader that rendered the old rows in between is
  thrown away too).
- A cached page is served only while all its tables keep the stamps it was rendered with,
  and for at most PAGE_SECONDS (for what changes with time alone: "upcoming" activities,
  the coverage figures cached by the portal).

Stamps live in files under ZHIYUAN_DATA_DIR/pagecache (one per table, replaced atomically),
so every process on the host sees a write at once; with a shared cache
(ZHIYUAN_CACHE_URL) they live in that cache, for many hosts. A cached page never holds a
user's data (only visitors without a session are served or stored) nor another visitor's
CSRF token (it is cut out when stored and each visitor's own is put back when served).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token

logger = logging.getLogger("zhiyuan.pagecache")

# URL names of the pages served from the cache to visitors without a session: each shows
# every such visitor the same page in their language (the CSRF token aside, which is put
# back per visitor), so Cache-Control (the sign-in page's never_cache) is replayed to the
# browser but does not keep the page out of this cache.
PUBLIC_PAGES = frozenset(
    {
        "accounts:login",
        "portal:home",
        "portal:coverage",
        "projects:list",
        "projects:detail",
        "news:list",
        "news:column",
        "news:detail",
        "honours:roll",
        "teams:tree",
        "stations:list",
        "stations:map",
        "helpdesk:submit",
        # Public API reads (anonymous callers: no session, no Authorization header).
        "api:list_projects",
        "api:get_project",
        "api:list_skills",
    }
)
PAGE_SECONDS = 60
CSRF_PLACEHOLDER = b"\x00zhiyuan-csrf-token\x00"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_WRITE = re.compile(
    r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"([^"]+)"',
    re.IGNORECASE,
)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


# ---------------------------------------------------------------- stamps


class FileStamps:
    """One file per table under the data directory: every process on the host reads it."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.prefix = f"{directory}{os.sep}"

    def read(self, table: str) -> bytes:
        try:
            with open(self.prefix + table, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return b""

    def bump(self, table: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fresh = self.directory / f".{table}.{os.getpid()}.{secrets.token_hex(4)}"
        fresh.write_bytes(secrets.token_bytes(12))
        os.replace(fresh, self.directory / table)


class CacheStamps:
    """Stamps in the shared cache, for app processes on several hosts."""

    def read(self, table: str) -> bytes:
        return cache.get(f"pagestamp:{table}", b"")

    def bump(self, table: str) -> None:
        cache.set(f"pagestamp:{table}", secrets.token_bytes(12), timeout=None)


_stamps: FileStamps | CacheStamps | None = None


def stamps() -> FileStamps | CacheStamps:
    global _stamps
    if _stamps is None:
        local = isinstance(caches["default"], LocMemCache | DummyCache)
        _stamps = FileStamps(Path(settings.DATA_DIR) / "pagecache") if local else CacheStamps()
    return _stamps


_settings_generation = 0


def reset_on_setting_change(*, setting, **kwargs) -> None:
    """A changed setting (tests) may change any page: pages cached before are not served."""
    global _stamps, _settings_generation
    _settings_generation += 1
    if setting in ("DATA_DIR", "CACHES"):
        _stamps = None


# ---------------------------------------------------------------- writes


def _known_tables() -> frozenset[str]:
    from django.apps import apps

    tables = set()
    for model in apps.get_models(include_auto_created=True):
        tables.add(model._meta.db_table)
    return frozenset(tables)


_tables: frozenset[str] | None = None


def tables_in(sql: str) -> set[str]:
    global _tables
    if _tables is None:
        _tables = _known_tables()
    return {name for name in _QUOTED.findall(sql) if name in _tables}


class _BumpOnCommit:
    """The on-commit callback for one table (one object per table, so it can be found)."""

    instances: dict[str, _BumpOnCommit] = {}

    def __init__(self, table: str):
        self.table = table

    def __call__(self) -> None:
        _bump(self.table)

    @classmethod
    def register(cls, db, table: str) -> None:
        """Once per transaction and table, unless a savepoint that registered it rolled back."""
        callback = cls.instances.setdefault(table, cls(table))
        current = set(db.savepoint_ids)
        for savepoints, registered, *_rest in db.run_on_commit:
            if registered is callback and savepoints <= current:
                return
        transaction.on_commit(callback, using=db.alias)


def watch_writes(execute, sql, params, many, context):
    """A connection's execute wrapper: a write gives its tables new stamps."""
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql)
    if match:
        written = {match.group(1)}
    elif _TRUNCATE.match(sql):
        written = tables_in(sql)
    else:
        return result
    db = context["connection"]
    for table in written:
        _bump(table)
        if db.in_atomic_block:
            _BumpOnCommit.register(db, table)
    return result


_serving = True


def _bump(table: str) -> None:
    """A stamp that cannot be renewed stops this process serving cached pages (never stale)."""
    global _serving
    try:
        stamps().bump(table)
    except OSError:
        _serving = False
        logger.exception("page cache: cannot renew the stamp of %s; serving no cached page", table)


def install_write_watch(*, connection, **kwargs) -> None:
    """connection_created: watch every connection's writes.

    First in the list: a connection opened inside `connection.execute_wrapper(...)` (a page
    render's read watch) would otherwise lose this watch when that block pops the last entry.
    """
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


# ---------------------------------------------------------------- pages


@dataclass
class CachedPage:
    expires: float
    stamps: tuple[tuple[str, bytes], ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def is_fresh(self) -> bool:
        if time.time() > self.expires:
            return False
        store = stamps()
        return all(store.read(table) == stamp for table, stamp in self.stamps)

    def response(self, request) -> HttpResponse:
        content = self.content
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class _ReadWatch:
    """An execute wrapper noting the tables a page reads, each with its stamp read first."""

    def __init__(self):
        self.stamps: dict[str, bytes] = {}

    def __call__(self, execute, sql, params, many, context):
        for table in tables_in(sql):
            if table not in self.stamps:
                self.stamps[table] = stamps().read(table)
        return execute(sql, params, many, context)


def _visitor_without_session(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(request) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    htmx = "hx" if request.headers.get("HX-Request") else "page"
    return f"page:{_settings_generation}:{request.LANGUAGE_CODE}:{htmx}:{path}"


def _without_csrf_token(request, content: bytes) -> bytes:
    """The content with this visitor's CSRF token (masked, 64 characters) cut out."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    for candidate in set(_MASKED_TOKEN.findall(content)):
        if _unmask_cipher_token(candidate.decode()) == secret:
            content = content.replace(candidate, CSRF_PLACEHOLDER)
    return content


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        # A view with csrf_protect (the sign-in page) sets the CSRF cookie itself; a hit has
        # CsrfViewMiddleware set the visitor's own.
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and not (session is not None and session.modified)
        and not queued
    )


class PageCacheMiddleware:
    """Serves PUBLIC_PAGES from the cache to visitors without a session (last in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not _serving or match is None or match.view_name not in PUBLIC_PAGES:
            return None
        if not _visitor_without_session(request):
            return None
        key = _key(request)
        page = cache.get(key)
        if page is not None and page.is_fresh():
            return page.response(request)
        watch = _ReadWatch()
        stack = contextlib.ExitStack()
        stack.enter_context(connection.execute_wrapper(watch))
        request._page_cache = (key, watch, stack)
        return None

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            pending = getattr(request, "_page_cache", None)
            if pending is not None:
                pending[2].close()
        if pending is not None and _storable(request, response):
            key, watch, _stack = pending
            page = CachedPage(
                expires=time.time() + PAGE_SECONDS,
                stamps=tuple(watch.stamps.items()),
                status=response.status_code,
                headers=tuple(response.items()),
                content=_without_csrf_token(request, response.content),
            )
            cache.set(key, page, PAGE_SECONDS)
        return response
