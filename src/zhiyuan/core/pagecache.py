"""The page cache: public pages rendered once per language for visitors without a session,
and signed-in users' own pages and answers kept per user, each until a write changes it.

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

PageCacheMiddleware (last in MIDDLEWARE) serves such a page after every other middleware
has run; EarlyPageMiddleware (right after the request id) then keeps the whole answer the
stack gave, and answers the next such visitor of the page with it before the rest runs,
while the page is fresh, making again only what differs per visitor (the CSRF token and
cookie, the length, the request id, the metrics): in-process, about a third of the cost.

The same stamps keep, in each process's own memory and never in a shared cache, what a
signed-in user asks on every request: `remembered` answers (the navigation's roles, the
unread count, a list's total over 70,000 rows: `count`) and `private_page` pages (the
roster, my hours …), served only to the same user (same row, same language, same URL)
after their session is checked, until a table they were read from is written.

Stamps live in one file, ZHIYUAN_DATA_DIR/pagestamps, mapped into every process's memory,
so every process on the host sees a write at once; with a shared cache
(ZHIYUAN_CACHE_URL) they live in that cache, for many hosts. A page in the shared cache
never holds a user's data (only visitors without a session are served or stored) nor
another visitor's CSRF token (it is cut out when stored and each visitor's own is put back
when served; so it is for kept private pages).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import mmap
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import Morsel
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.utils import translation
from django.utils.module_loading import import_string

logger = logging.getLogger("zhiyuan.pagecache")
T = TypeVar("T")

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


# ---------------------------------------------------------------- the visitor's CSRF token

# Django's get_token() draws each of a token's 64 characters with its own secrets.choice()
# call: about 0.1 ms a page, the largest part of serving a cached page. The same
# characters, as uniformly, from one read of the system's random source: a byte below 248
# (4 × 62) names CSRF_ALLOWED_CHARS[byte % 62]; the bytes above are dropped.
_CHARS = CSRF_ALLOWED_CHARS
_CHAR_OF_BYTE = bytes.maketrans(bytes(range(248)), (_CHARS * 4).encode())
_UNUSED_BYTES = bytes(range(248, 256))
_INDEX = {char: n for n, char in enumerate(_CHARS)}


def _random_chars(length: int) -> str:
    chars = b""
    while len(chars) < length:
        chars += secrets.token_bytes(length + 8).translate(_CHAR_OF_BYTE, _UNUSED_BYTES)
    return chars[:length].decode()


def csrf_token(request) -> str:
    """django.middleware.csrf.get_token(request), drawing its random characters at once.

    The same contract: the visitor's secret (CSRF_COOKIE, read by CsrfViewMiddleware) or a
    new one, flagged so that the middleware sends the cookie; the secret masked as Django
    masks it (a random mask, then each character shifted by the mask's), so Django's
    _unmask_cipher_token reads it back.
    """
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    else:
        secret = _random_chars(CSRF_SECRET_LENGTH)
        request.META.update({"CSRF_COOKIE": secret, "CSRF_COOKIE_NEEDS_UPDATE": True})
    mask = _random_chars(CSRF_SECRET_LENGTH)
    return mask + "".join(
        _CHARS[(_INDEX[x] + _INDEX[y]) % len(_CHARS)] for x, y in zip(secret, mask, strict=True)
    )


# ---------------------------------------------------------------- stamps


class FileStamps:
    """The stamps in one small file under the data directory, mapped into the memory of every
    process on the host: a table's stamp is 8 bytes at a slot its name hashes to (two tables
    sharing a slot only renew each other's pages), read and renewed without a system call.
    (A file per table, replaced on each write, cost a few milliseconds a write under load.)
    """

    SLOTS = 4096

    def __init__(self, path: Path):
        self.path = path
        self._map: mmap.mmap | None = None

    def _mapped(self) -> mmap.mmap:
        if self._map is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_size < self.SLOTS * 8:
                    os.ftruncate(fd, self.SLOTS * 8)
                self._map = mmap.mmap(fd, self.SLOTS * 8)
            finally:
                os.close(fd)
        return self._map

    def read(self, table: str) -> bytes:
        at = _slot(table, self.SLOTS)
        return self._mapped()[at : at + 8]

    def bump(self, table: str) -> None:
        at = _slot(table, self.SLOTS)
        self._mapped()[at : at + 8] = secrets.token_bytes(8)

    def hold(self, read: tuple[tuple[str, bytes], ...]) -> bool:
        """Every table still has the stamp it had when read."""
        mapped = self._mapped()
        for table, stamp in read:
            at = _slot(table, self.SLOTS)
            if mapped[at : at + 8] != stamp:
                return False
        return True


@functools.cache
def _slot(table: str, slots: int) -> int:
    digest = hashlib.blake2b(table.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % slots * 8


class CacheStamps:
    """Stamps in the shared cache, for app processes on several hosts."""

    def read(self, table: str) -> bytes:
        return cache.get(f"pagestamp:{table}", b"")

    def bump(self, table: str) -> None:
        cache.set(f"pagestamp:{table}", secrets.token_bytes(12), timeout=None)

    def hold(self, read: tuple[tuple[str, bytes], ...]) -> bool:
        """Every table still has the stamp it had when read (one round trip for all)."""
        now = cache.get_many([f"pagestamp:{table}" for table, _stamp in read])
        return all(now.get(f"pagestamp:{table}", b"") == stamp for table, stamp in read)


_stamps: FileStamps | CacheStamps | None = None


def stamps() -> FileStamps | CacheStamps:
    global _stamps
    if _stamps is None:
        local = isinstance(caches["default"], LocMemCache | DummyCache)
        _stamps = FileStamps(Path(settings.DATA_DIR) / "pagestamps") if local else CacheStamps()
    return _stamps


_settings_generation = 0


def reset_on_setting_change(*, setting, **kwargs) -> None:
    """A changed setting (tests) may change any page: pages cached before are not served."""
    global _stamps, _settings_generation
    _settings_generation += 1
    _memo.clear()
    _early_pages.clear()
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


@functools.lru_cache(maxsize=4096)
def tables_in(sql: str) -> frozenset[str]:
    """The tables a statement names. Kept per statement text, which repeats call after call
    (the parameters are apart): a shift's SELECT names its 60 columns, each quoted with its
    table, and was scanned again on every read a page or a remembered answer watched."""
    global _tables
    if _tables is None:
        _tables = _known_tables()
    return frozenset(name for name in _QUOTED.findall(sql) if name in _tables)


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
        return time.time() <= self.expires and _fresh(self.stamps)

    def response(self, request) -> HttpResponse:
        content = self.content
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, csrf_token(request).encode())
        response = HttpResponse(content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class _ReadWatch:
    """An execute wrapper noting the tables a page reads, each with its stamp read first.

    While one is open (`watching`), an answer taken from `remembered` adds the tables that
    answer was computed from, as if they had been read again.
    """

    def __init__(self):
        self.stamps: dict[str, bytes] = {}

    def __call__(self, execute, sql, params, many, context):
        for table in tables_in(sql):
            if table not in self.stamps:
                self.stamps[table] = stamps().read(table)
        return execute(sql, params, many, context)

    def add(self, read: tuple[tuple[str, bytes], ...]) -> None:
        for table, stamp in read:
            self.stamps.setdefault(table, stamp)


_open_watches: list[_ReadWatch] = []


@contextlib.contextmanager
def watching(watch: _ReadWatch):
    """Note in `watch` every table read on the default connection (and every remembered answer)."""
    _open_watches.append(watch)
    try:
        with connection.execute_wrapper(watch):
            yield watch
    finally:
        _open_watches.remove(watch)


def _fresh(read: tuple[tuple[str, bytes], ...]) -> bool:
    return stamps().hold(read)


# ---------------------------------------------------------------- remembered answers

# Answers asked on every request (the navigation's roles, the unread count, the roster's
# count over 70,000 volunteers), kept in this process's memory only: never in a shared
# cache, so nothing private leaves the process.
MEMO_ENTRIES = 5000
_memo: OrderedDict[str, tuple[float, tuple[tuple[str, bytes], ...], object]] = OrderedDict()
_memo_lock = threading.Lock()  # the remembered answers and the private pages


def remembered(
    key: str, compute: Callable[[], T], *, seconds: float = PAGE_SECONDS, keep_none: bool = True
) -> T:
    """compute()'s answer, computed again once a table it read has a new stamp (any write
    to it, in any process) or after `seconds`.

    `key` must name everything the answer depends on besides the database (the user, the
    filters); every table compute() reads is noted by itself. keep_none=False: a None
    (nothing found) is not kept, so unknown keys cannot crowd out the others.
    """
    if not _serving:
        return compute()
    key = f"{_settings_generation}:{key}"
    entry = _memo.get(key)
    if entry is not None and time.time() <= entry[0] and _fresh(entry[1]):
        for outer in _open_watches:
            outer.add(entry[1])
        return entry[2]  # type: ignore[return-value]
    with watching(_ReadWatch()) as watch:
        value = compute()
    if value is None and not keep_none:
        return value
    with _memo_lock:
        _memo[key] = (time.time() + seconds, tuple(watch.stamps.items()), value)
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)
    return value


def remembered_beside(key: str, value: object, read_with: str) -> None:
    """Remember `value` as `key`'s answer, read by the statement that gave the answer kept
    as `read_with` (a session's row carries its account's): it is fresh while that one is,
    with the same tables' stamps. Nothing is kept if that answer is not."""
    if not _serving:
        return
    entry = _memo.get(f"{_settings_generation}:{read_with}")
    if entry is not None:
        with _memo_lock:
            _memo[f"{_settings_generation}:{key}"] = (entry[0], entry[1], value)


def count(queryset: QuerySet) -> int:
    """queryset.count(), remembered until a table its query reads is written: the roster's
    "70,000 volunteers" is a scan of every row, and the same for every page of the list."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that keeps no row (`pk__in=[]`): nothing to count
        return 0
    digest = hashlib.blake2b(repr((queryset.db, sql, params)).encode(), digest_size=16)
    return remembered(f"count:{digest.hexdigest()}", queryset.count)


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
    htmx = "hx" if request.META.get("HTTP_HX_REQUEST") else "page"
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
            request._page_cache_served = (key, page)  # for EarlyPageMiddleware
            return page.response(request)
        watch = _ReadWatch()
        stack = contextlib.ExitStack()
        stack.enter_context(watching(watch))
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


# ---------------------------------------------------------------- early answers

# What each middleware after EarlyPageMiddleware does to a page PageCacheMiddleware serves
# from the cache, and so what an early answer repeats. A middleware not named here may
# change that answer in a way the early one would miss: EarlyPageMiddleware refuses to
# start (ImproperlyConfigured) until it is named, with what it does.
REPLAYED = frozenset(
    {
        # Its headers (kept apart for http and https); a request it redirects to https
        # reaches no cached page, so it never has an early answer.
        "django.middleware.security.SecurityMiddleware",
        # Serves only the static files it found at start; their paths never reach a page.
        "whitenoise.middleware.WhiteNoiseMiddleware",
        # A cached page runs no query.
        "zhiyuan.ops.middleware.DatabaseUnavailableMiddleware",
        # A visitor without a session cookie: no session is read or saved.
        "django.contrib.sessions.middleware.SessionMiddleware",
        # The language, chosen by the same function (part of the key); Content-Language
        # and Vary are in the kept headers.
        "django.middleware.locale.LocaleMiddleware",
        # ALLOWED_HOSTS (request.get_host()), Content-Length (counted again); with
        # PREPEND_WWW (a redirect that depends on the host) nothing is answered early.
        "django.middleware.common.CommonMiddleware",
        # Its process_request runs as it is; its process_response makes the cookie once a
        # second, copied per visitor (Vary: Cookie is in the kept headers).
        "django.middleware.csrf.CsrfViewMiddleware",
        # Nothing for a visitor without a session, nor without a messages cookie.
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        # Their headers are in the kept headers (the policy follows the path, in the key).
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "zhiyuan.core.security.ContentSecurityPolicyMiddleware",
        # Only turns an exception into a 429; a cached page raises none.
        "zhiyuan.core.security.RateLimitedMiddleware",
        # The page and its stamps, checked as it checks them; the visitor's CSRF token.
        "zhiyuan.core.pagecache.PageCacheMiddleware",
        # Its process_request and process_response run as they are (the view's counts).
        "zhiyuan.ops.metrics.PrometheusAfterMiddleware",
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    }
)
EARLY_ENTRIES = 300


@dataclass
class _EarlyPage:
    page: CachedPage
    token: bool  # the page holds a CSRF token (CSRF_PLACEHOLDER)
    match: object  # the ResolverMatch, for the metrics' view name
    # The answer's headers as the whole stack left them, but X-Request-ID (set outside
    # EarlyPageMiddleware): one set for an answer that sets the CSRF cookie, one for an
    # answer that does not (Vary differs), as ResponseHeaders keeps them.
    headers: dict[bool, dict[str, tuple[str, str]]]


_early_pages: dict[tuple[str, bool], _EarlyPage] = {}
_early_lock = threading.Lock()


class EarlyPageMiddleware:
    """A cached public page answered before the rest of the middleware runs.

    A hit of PageCacheMiddleware (last in MIDDLEWARE) still runs every middleware before
    it, each way: most of the time a cached page costs. Right after RequestIdMiddleware,
    this one answers a visitor who would get a cached page with the answer the whole stack
    gave the last such visitor, kept per page key (language, htmx, URL) and http/https
    in this process's memory. It is kept only from an answer PageCacheMiddleware served
    from the cache, so it is served only to a visitor without a session (the same rule)
    and only while that page is fresh (the same stamps, checked on every request): a
    write shows on the next visit as before. What differs per visitor is made again as
    the stack makes it: the CSRF token in the page and the CSRF cookie
    (CsrfViewMiddleware's own process_request, and its process_response once a second),
    Content-Length, the request id, the metrics (PrometheusAfterMiddleware's own
    methods). REPLAYED says why the other middleware after this one change nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        names = list(settings.MIDDLEWARE)
        later = names[names.index(f"{__name__}.EarlyPageMiddleware") + 1 :]
        unknown = [name for name in later if name not in REPLAYED]
        if unknown:
            raise ImproperlyConfigured(
                f"EarlyPageMiddleware does not know what {', '.join(unknown)} does to a "
                "cached page: name it in pagecache.REPLAYED (and repeat what it does) or "
                "put it before EarlyPageMiddleware"
            )
        self.csrf = (
            CsrfViewMiddleware(get_response)
            if "django.middleware.csrf.CsrfViewMiddleware" in later
            else None
        )
        self._cookie: tuple[tuple[int, int], Morsel] | None = None
        self.metrics = None
        for name in later:
            if name.endswith(".PrometheusAfterMiddleware"):
                self.metrics = import_string(name)(get_response)

    def __call__(self, request):
        response = self._answer(request)
        if response is not None:
            return response
        response = self.get_response(request)
        self._keep(request, response)
        return response

    def _answer(self, request) -> HttpResponse | None:
        if not (_serving and _early_pages and _visitor_without_session(request)):
            return None
        if settings.CSRF_USE_SESSIONS or settings.PREPEND_WWW:
            return None
        # The language as LocaleMiddleware chooses it (without i18n_patterns).
        if is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]:
            return None
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        entry = _early_pages.get((_key(request), request.is_secure()))
        if entry is None or not entry.page.is_fresh():
            return None
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it (else a 400)
        if self.csrf is not None:
            self.csrf.process_request(request)
        sets_cookie = self.csrf is not None and (
            entry.token or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        )
        headers = entry.headers.get(sets_cookie)
        if headers is None:
            return None
        if self.metrics is not None:
            self.metrics.process_request(request)
        request.resolver_match = entry.match
        content = entry.page.content
        if entry.token:
            content = content.replace(CSRF_PLACEHOLDER, csrf_token(request).encode())
        response = HttpResponse(content, status=entry.page.status)
        # The kept headers were checked when the stack set them: copied, not set one by one.
        response.headers._store = dict(headers)
        response.headers["Content-Length"] = str(len(content))
        if self.metrics is not None:
            self.metrics.process_response(request, response)
        if self.csrf is not None and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            self._set_csrf_cookie(request, response)
        return response

    def _set_csrf_cookie(self, request, response) -> None:
        """CsrfViewMiddleware.process_response: the visitor's CSRF cookie, renewed.

        Its own code makes the cookie once a second (the expiry date it writes has whole
        seconds) on a response of its own; each visitor gets a copy with their secret.
        The kept headers already vary on Cookie: they were kept from an answer that set it.
        """
        now = (int(time.time()), _settings_generation)  # a changed setting: made again
        if self._cookie is None or self._cookie[0] != now:
            made = HttpResponse()
            self.csrf.process_response(request, made)
            self._cookie = (now, made.cookies[settings.CSRF_COOKIE_NAME])
        else:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        morsel = self._cookie[1].copy()
        secret = request.META["CSRF_COOKIE"]
        morsel.set(settings.CSRF_COOKIE_NAME, secret, secret)
        response.cookies[settings.CSRF_COOKIE_NAME] = morsel

    def _keep(self, request, response) -> None:
        served = getattr(request, "_page_cache_served", None)
        if (
            served is None
            or response.status_code != 200
            or response.streaming
            or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        ):
            return
        key, page = served
        early_key = (key, request.is_secure())
        headers = {
            lower: item
            for lower, item in response.headers._store.items()
            if lower != "x-request-id"
        }
        with _early_lock:
            entry = _early_pages.pop(early_key, None)
            if entry is None or (entry.page.expires, entry.page.stamps) != (
                page.expires,
                page.stamps,
            ):
                match = request.resolver_match
                entry = _EarlyPage(page, CSRF_PLACEHOLDER in page.content, match, {})
            entry.headers[settings.CSRF_COOKIE_NAME in response.cookies] = headers
            _early_pages[early_key] = entry
            while len(_early_pages) > EARLY_ENTRIES:
                del _early_pages[next(iter(_early_pages))]


# ---------------------------------------------------------------- private pages

# A signed-in user's own pages (the roster, my hours …), kept in this process's memory only.
PRIVATE_PAGE_ENTRIES = 500
_private_pages: OrderedDict[str, CachedPage] = OrderedDict()


def private_page(view):
    """A signed-in user's page, rendered again only when it may have changed.

    For a GET without a flash message to show, the page is kept in this process's memory
    (never in a shared cache) under the user, the user's row (a new password, a changed
    superuser flag), the language, the URL and htmx or not; it is served while every table
    its rendering read keeps its stamp (any write to one, in any process, renews it) and
    for at most PAGE_SECONDS (for what changes with time alone). The session is checked on
    every request before this (login_required, AuthenticationMiddleware): a signed-out or
    expired session never gets a kept page. Goes under login_required.
    """
    return _kept_private(view, lambda request: request.user)


def private_response(caller: Callable):
    """private_page for an API read: `caller(request)` authenticates the request as the
    endpoint does (a bearer token, or the session) and gives its user or None, on every
    request; a response is kept and served only for that user. For ninja's decorate_view."""
    return lambda view: _kept_private(view, caller)


def _kept_private(view, caller: Callable):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (_serving and request.method == "GET" and "messages" not in request.COOKIES):
            return view(request, *args, **kwargs)
        user = caller(request)
        if user is None or not user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _private_key(request, user)
        page = _private_pages.get(key)
        if page is not None and page.is_fresh():
            return page.response(request)
        with watching(_ReadWatch()) as watch:
            response = view(request, *args, **kwargs)
        if _storable(request, response) and getattr(response, "is_rendered", True):
            page = CachedPage(
                expires=time.time() + PAGE_SECONDS,
                stamps=tuple(watch.stamps.items()),
                status=response.status_code,
                headers=tuple(response.items()),
                content=_without_csrf_token(request, response.content),
            )
            with _memo_lock:
                _private_pages[key] = page
                while len(_private_pages) > PRIVATE_PAGE_ENTRIES:
                    _private_pages.popitem(last=False)
        return response

    return wrapper


def _private_key(request, user) -> str:
    # Every column of the user's row but the time of the last sign-in.
    row = repr(
        [getattr(user, f.attname) for f in user._meta.concrete_fields if f.name != "last_login"]
    )
    digest = hashlib.blake2b(
        f"{row}\0{request.get_full_path()}".encode(), digest_size=16
    ).hexdigest()
    htmx = "hx" if request.META.get("HTTP_HX_REQUEST") else "page"
    return f"{_settings_generation}:{user.pk}:{request.LANGUAGE_CODE}:{htmx}:{digest}"
