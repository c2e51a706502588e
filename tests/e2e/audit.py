"""Every page a browser journey visits is checked as it loads: axe-core (vendored from the
npm package, tests/e2e/vendor) for critical and serious accessibility violations, and the
visible text for raw codes (`sat_am`, `no_shows:`, `34 h`) and, on Chinese pages, English
words that escaped translation.

The check runs in the page (an init script, so it needs no change to the site's CSP) and
reports through a binding; the last page of each journey is checked again when it closes.
"""

from __future__ import annotations

import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe-4.14.1.min.js"

# Runs in every frame after axe: on load, audit the page and hand the findings to Python.
AUDIT_JS = """
(() => {
  if (window.top !== window) { return; }
  window.__zyAudit = async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    const bad = result.violations
      .filter((v) => v.impact === "critical" || v.impact === "serious")
      .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll("script, style, [translate=no], code.data, .data, input, textarea, select, svg")
      .forEach((el) => el.remove());
    return {url: location.pathname + location.search, lang: document.documentElement.lang,
            violations: bad, text: clone.innerText || ""};
  };
  window.addEventListener("load", () => {
    setTimeout(() => {
      window.__zyAudit().then((report) => window.__zyReport && window.__zyReport(report))
        .catch(() => {});
    }, 0);
  });
})();
"""

# Raw codes: snake_case identifiers, "key: value" dumps of stored codes, a bare "h" unit.
RAW_CODE = re.compile(
    r"\b[a-z]+_[a-z_]+\b"
    r"|\b(?:hours|stars|no_shows|rejected|submitted|verified|matched|in_service)\s*:"
    r"|\d\s?h\b"
)
# On Chinese pages, English words that are allowed: names of things that stay in Latin
# letters, the language switch, and data the tests type in.
ALLOWED_LATIN = {
    "API",
    "English",
    "QR",
    "PDF",
    "Excel",
    "SMS",
    "ID",
    "km",
    "ics",
    "webcal",
    "https",
    "http",
    "testserver",
    "localhost",
    "zhiyuan",
    "Asia",
    "Shanghai",
    "WGS",
    "GCJ",
    "CSV",
    "xlsx",
    "xls",
    "ods",
    "OpenDocument",
    "docx",
    "csv",
    "jsonl",
    "ZY",
    "ZYZM",
    "demo",
    "PNG",
    "JPEG",
    "WebP",
    "HTML",
    "JSON",
    "GBK",
    "UTF",
}
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z]{2,}\b")
# Tokens that are data, not interface: volunteer numbers, codes, addresses of pages.
DATA_TOKEN = re.compile(r"\bZY\d+\b|\b[A-Z0-9]{6,}\b|/[\w/.-]+|\S+@\S+")


def text_problems(report: dict, *, data_words: set[str]) -> list[str]:
    """What a person would read as a defect on this page: raw codes, English on a Chinese page."""
    text = DATA_TOKEN.sub(" ", report["text"])
    problems = [f"raw code {m.group(0)!r}" for m in RAW_CODE.finditer(text)]
    if report["lang"].startswith("zh"):
        for word in LATIN_WORD.findall(text):
            if word not in ALLOWED_LATIN and word not in data_words:
                problems.append(f"untranslated {word!r}")
    return sorted(set(problems))


# Defects found when the audit was introduced, on pages other work still has to fix: one
# "page :: problem" per line (numbers in the page's address as <n>). A defect listed here
# is reported nowhere; one not listed fails the journey. Fixing a page means deleting its line.
KNOWN = VENDOR.parent / "audit_known.txt"


def known_defects() -> set[str]:
    if not KNOWN.exists():
        return set()
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def defect_key(url: str, problem: str) -> str:
    return f"{re.sub(r'[0-9]+', '<n>', url.split('?')[0])} :: {problem}"


class PageAudit:
    """Collects the reports of the pages of one journey and fails it on any new defect."""

    def __init__(self, data_words: set[str]):
        self.data_words = data_words
        self.defects: list[str] = []
        self.seen: list[str] = []
        self.known = known_defects()

    def _add(self, url: str, problem: str) -> None:
        key = defect_key(url, problem)
        if key not in self.known:
            self.defects.append(key)

    def attach(self, context) -> None:
        context.add_init_script(path=str(AXE))
        context.add_init_script(script=AUDIT_JS)
        context.expose_binding("__zyReport", lambda _source, report: self.take(report))

    def take(self, report: dict) -> None:
        self.seen.append(report["url"])
        for v in report["violations"]:
            self._add(report["url"], f"axe {v['impact']} {v['id']} ({v['help']})")
        for problem in text_problems(report, data_words=self.data_words):
            self._add(report["url"], f"[{report['lang']}] {problem}")

    def final(self, page) -> None:
        """Check the page a journey ends on (its load report may not have arrived)."""
        try:
            report = page.evaluate("window.__zyAudit ? window.__zyAudit() : null")
        except Exception:  # noqa: BLE001 - a closed or navigating page has nothing left to check
            return
        if report:
            self.take(report)
