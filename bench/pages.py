"""Every page a user reaches, at demo scale: no page over 200 KB of HTML, no list over 100 rows.

Against a database that already holds the demo district (issue 20's "done when"):

    ZHIYUAN_DATA_DIR=var .venv/bin/python bench/pages.py [--per-pattern 2] [--max-pages 400]
    DATABASE_URL=postgres://... .venv/bin/python bench/pages.py --roles office,volunteer

For each role (an anonymous visitor, a resident without a volunteer profile, a volunteer, the
admins of a squad, a detachment and the corps, a station manager, a subdistrict office and the
district office) it starts from the home page and the role's own pages and follows every link
and htmx `hx-get` it finds, in-process through django.test.Client (the whole middleware stack),
visiting at most `--per-pattern` addresses of each shape (numbers in the path and the names of
the query's keys make the shape). Every HTML page is measured: its size, its longest list (rows
of a table body, items of a list with its nested lists, or siblings of one kind: articles,
details) and its longest <select>. A page over a limit is a finding; any finding makes the
command exit 1.

The people it needs that the demo lacks (accounts for team admins, a station manager, a
subdistrict office admin) are made inside one transaction that is rolled back at the end, with
everything the visits wrote: the database is left as it was.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

MAX_BYTES = 200_000
MAX_ROWS = 100
MAX_OPTIONS = 50
ROLES = (
    "anonymous",
    "resident",
    "volunteer",
    "squad",
    "detachment",
    "corps",
    "station",
    "subdistrict",
    "office",
)
# Addresses never visited: files and feeds (not HTML), actions a GET must not start, tools.
SKIP = re.compile(
    r"^/(?:admin|api|static|media)/|/(?:logout|setlang|reveal|rotate|anonymise|export|download)"
    r"|\.(?:xlsx|pdf|png|docx|ics|json|csv|js)$|^/(?:healthz|metrics)$|/poster\."
)


@dataclass
class Measure:
    """What one page sends: bytes, its longest list and its longest <select>."""

    bytes: int
    rows: int
    rows_where: str
    options: int
    options_where: str


def _where(element) -> str:
    name = element.get("id") or element.get("name") or element.get("class") or ""
    return f"{element.tag}{('#' + name) if name else ''}"


def measure(html: bytes) -> Measure:
    """Size, longest list and longest select of an HTML page (lxml's forgiving parser)."""
    import lxml.html

    if not html.strip():
        return Measure(0, 0, "", 0, "")
    doc = lxml.html.fromstring(html)
    rows, rows_where = 0, ""
    for table in doc.iter("table"):
        n = sum(len(body.findall("tr")) for body in table.findall("tbody")) or max(
            len(table.findall("tr")) - 1, 0
        )
        if n > rows:
            rows, rows_where = n, _where(table)
    for lst in doc.iter("ul", "ol"):
        if any(a.tag in ("ul", "ol") for a in lst.iterancestors()):
            continue  # counted with the outermost list, nested lists and all
        n = sum(1 for _ in lst.iter("li"))
        if n > rows:
            rows, rows_where = n, _where(lst)
    for parent in doc.iter():
        for kind in ("article", "details"):
            n = sum(1 for child in parent if child.tag == kind)
            if n > rows:
                rows, rows_where = n, f"{kind} in {_where(parent)}"
    options, options_where = 0, ""
    for select in doc.iter("select", "datalist"):
        n = sum(1 for _ in select.iter("option"))
        if n > options:
            options, options_where = n, _where(select)
    return Measure(len(html), rows, rows_where, options, options_where)


def shape(url: str) -> str:
    """An address's shape: numbers in the path as <n>, and the names of the query's keys."""
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "<n>", parts.path) + ("?" + "&".join(keys) if keys else "")


def links(html: bytes, base: str) -> list[str]:
    import lxml.html

    if not html.strip():
        return []
    doc = lxml.html.fromstring(html)
    found = []
    for element in doc.iter("a"):
        href = element.get("href")
        if href:
            found.append(href)
    for element in doc.xpath("//*[@hx-get]"):
        found.append(element.get("hx-get"))
    out = []
    for href in found:
        absolute = urljoin(base, href.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("", "http", "https") or (
            parts.netloc and parts.netloc != "testserver"
        ):
            continue
        path = parts.path + ("?" + parts.query if parts.query else "")
        if path.startswith("/") and not SKIP.search(parts.path):
            out.append(path)
    return out


@dataclass
class Visit:
    role: str
    url: str
    status: int
    ms: float
    measure: Measure | None

    def problems(self) -> list[str]:
        m = self.measure
        if m is None:
            return []
        found = []
        if m.bytes > MAX_BYTES:
            found.append(f"{m.bytes / 1000:.0f} KB of HTML")
        if m.rows > MAX_ROWS:
            found.append(f"{m.rows} rows in {m.rows_where}")
        if m.options > MAX_OPTIONS:
            found.append(f"a select of {m.options} options ({m.options_where})")
        return found


@dataclass
class Crawl:
    role: str
    client: object
    per_pattern: int
    max_pages: int
    visits: list[Visit] = field(default_factory=list)

    def run(self, seeds: list[str]) -> None:
        queue = deque(seeds)
        seen: set[str] = set()
        shapes: dict[str, int] = {}
        while queue and len(self.visits) < self.max_pages:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            key = shape(url)
            if shapes.get(key, 0) >= self.per_pattern:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            start = time.perf_counter()
            response = self.client.get(url)
            ms = (time.perf_counter() - start) * 1000
            html = response.status_code == 200 and response.get("Content-Type", "").startswith(
                "text/html"
            )
            body = response.content if html else b""
            self.visits.append(
                Visit(self.role, url, response.status_code, ms, measure(body) if html else None)
            )
            if html:
                queue.extend(links(body, url))


def people() -> dict[str, object]:
    """A user for each role (None: anonymous), made where the demo has none."""
    from django.contrib.auth import get_user_model

    from zhiyuan.accounts.models import RoleGrant
    from zhiyuan.places.models import Region
    from zhiyuan.stations.models import Station
    from zhiyuan.teams.models import Membership
    from zhiyuan.volunteers.models import Volunteer

    user_model = get_user_model()

    def account(username: str, volunteer=None):
        user = user_model.objects.create_user(username=username, password=None)
        if volunteer is not None:
            volunteer.user = user
            volunteer.save(update_fields=["user"])
        return user

    def admin_of(level: str):
        membership = (
            Membership.objects.filter(
                team__level=level, role__in=["admin", "leader"], state="active"
            )
            .select_related("volunteer")
            .order_by("team__path")
            .first()
        )
        if membership is None:
            return None
        return membership.volunteer.user or account(f"check-{level}", membership.volunteer)

    plain = (
        Volunteer.objects.filter(user__isnull=True, status="active")
        .exclude(memberships__role__in=["admin", "leader"])
        .order_by("pk")
        .first()
    )
    manager = account("check-station")
    station = Station.objects.order_by("pk").first()
    if station is not None:
        station.managers.add(manager)
    subdistrict_admin = account("check-subdistrict")
    subdistrict = Region.objects.filter(level="subdistrict").order_by("pk").first()
    if subdistrict is not None:
        RoleGrant.objects.create(user=subdistrict_admin, role="district_admin", region=subdistrict)
    office = RoleGrant.objects.filter(role="district_admin").select_related("user").first()
    return {
        "anonymous": None,
        "resident": account("check-resident"),
        "volunteer": account("check-volunteer", plain) if plain else None,
        "squad": admin_of("squad"),
        "detachment": admin_of("detachment"),
        "corps": admin_of("corps"),
        "station": manager,
        "subdistrict": subdistrict_admin,
        "office": office.user if office else None,
    }


def seeds() -> list[str]:
    """Where every role starts: the home page, the menus' pages, and the biggest things."""
    from django.db.models import Count

    from zhiyuan.projects.models import Project
    from zhiyuan.teams.models import Team

    start = [
        "/",
        "/projects/mine/",
        "/service/hours/",
        "/service/queue/",
        "/service/certificates/",
        "/service/certificates/queue/",
        "/volunteers/me/",
        "/volunteers/manage/",
        "/reports/",
        "/imports/",
        "/imports/exports/",
        "/help/requests/",
        "/help/matching/",
        "/help/recipients/",
        "/help/recommended/",
        "/honours/rounds/",
        "/news/manage/",
        "/feedback/complaints/",
        "/training/mine/",
        "/messages/",
        "/accounts/tokens/",
    ]
    biggest = (
        Team.objects.annotate(n=Count("memberships")).order_by("-n").values_list("pk", flat=True)
    )[:1]
    for pk in biggest:
        start += [f"/teams/{pk}/", f"/teams/{pk}/members/"]
    busiest = (
        Project.objects.annotate(n=Count("activities__shifts"))
        .order_by("-n")
        .values_list("pk", flat=True)
    )[:1]
    for pk in busiest:
        start += [f"/projects/{pk}/", f"/projects/{pk}/manage/"]
    return start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--per-pattern", type=int, default=2)
    parser.add_argument("--max-pages", type=int, default=400)
    parser.add_argument("--all", action="store_true", help="print every page, not only findings")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    os.environ.setdefault("ZHIYUAN_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings

    # Refusals (403, 404) are expected on the way; their log lines would drown the findings.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", message="No directory at")

    # The pages name their static files; without DEBUG that needs collectstatic's manifest,
    # which a check of the HTML does not: the plain storage names them as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.db import transaction
    from django.test import Client

    visits: list[Visit] = []
    started = time.perf_counter()
    with transaction.atomic():
        cast = people()
        start = seeds()
        for role in args.roles.split(","):
            client = Client()
            user = cast[role]
            if role != "anonymous":
                if user is None:
                    print(f"{role}: nobody in this database has the role; skipped")
                    continue
                client.force_login(user)
            crawl = Crawl(role, client, args.per_pattern, args.max_pages)
            crawl.run(start)
            visits += crawl.visits
            html = [v for v in crawl.visits if v.measure]
            print(
                f"{role}: {len(crawl.visits)} addresses, {len(html)} pages, "
                f"largest {max((v.measure.bytes for v in html), default=0) / 1000:.0f} KB, "
                f"longest list {max((v.measure.rows for v in html), default=0)} rows, "
                f"slowest {max((v.ms for v in html), default=0):.0f} ms",
                flush=True,
            )
        transaction.set_rollback(True)
    findings = [(v, p) for v in visits for p in v.problems()]
    if args.all:
        for v in visits:
            m = v.measure
            size = f"{m.bytes / 1000:6.0f} KB {m.rows:4d} rows {m.options:4d} opts" if m else ""
            print(f"{v.role:11} {v.status} {v.ms:7.0f} ms {size} {v.url}")
    print(f"\n{len(visits)} visits in {time.perf_counter() - started:.0f} s")
    for v, problem in findings:
        print(f"FINDING {v.role}: {v.url}: {problem}")
    if not findings:
        print(
            f"no page over {MAX_BYTES // 1000} KB, no list over {MAX_ROWS} rows, "
            f"no select over {MAX_OPTIONS} options"
        )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
