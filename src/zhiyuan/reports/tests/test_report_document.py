"""The yearly report as an office prints it: rendered by LibreOffice (headless) to PDF and read
back with poppler: A4, the CJK fonts embedded, page numbers "— 1 —", no zero-filled sentence,
the issuing office and date (落款), wording for the scope; for the district, a subdistrict and
last year."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from zhiyuan.reports import yearly
from zhiyuan.reports.scope import Scope
from zhiyuan.testing.factories import YEAR

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(
    not (SOFFICE and POPPLER),
    reason="needs LibreOffice Writer (Debian libreoffice-writer-nogui) and poppler-utils",
)
# A count of nothing printed as a figure: "项目0个", "0场", "0支" …
ZERO_FILLED = re.compile(r"(?<![\d,.])0(?:\.0)?(?:个|场|支|人|名|小时|人次|件|篇|期|项|处|万)")


def _render(tmp_path: Path, documents: dict[str, bytes]) -> dict[str, dict]:
    for name, content in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(content)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *[str(tmp_path / f"{name}.docx") for name in documents],
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    found = {}
    for name in documents:
        pdf = str(tmp_path / f"{name}.pdf")

        def run(*args, pdf=pdf):
            return subprocess.run(  # noqa: S603 - fixed arguments
                [*args, pdf] + (["-"] if args[0].endswith("pdftotext") else []),
                check=True,
                capture_output=True,
                text=True,
            ).stdout

        found[name] = {
            "info": run(shutil.which("pdfinfo")),
            "fonts": run(shutil.which("pdffonts")),
            "text": run(shutil.which("pdftotext"), "-layout"),
        }
    return found


@pytest.fixture
def rendered(district, tmp_path):
    today = timezone.localdate()
    year = YEAR if today.year >= YEAR else today.year
    return _render(
        tmp_path,
        {
            "district": yearly.build(Scope.of(district.district), year),
            "subdistrict": yearly.build(Scope.of(district.sub_a), year),
            "last_year": yearly.build(Scope.of(district.district), year - 1),
        },
    )


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_reports_print_on_a4_in_the_cjk_fonts_with_page_numbers_and_a_signature(rendered):
    today = yearly.chinese_date(timezone.localdate())
    for name, pdf in rendered.items():
        assert "(A4)" in pdf["info"], name
        assert "NotoSerifCJK" in pdf["fonts"] and "NotoSansCJK" in pdf["fonts"], name
        text = _flat(pdf["text"])
        assert "—1—" in text, name
        assert today in text, name  # the date of the 落款
        assert "统计口径" in text, name  # the annex of definitions
        assert not ZERO_FILLED.findall(text), (name, ZERO_FILLED.findall(text))
    assert "示范区文明办" in _flat(rendered["district"]["text"])


def test_a_subdistricts_report_speaks_for_the_subdistrict(rendered):
    text = _flat(rendered["subdistrict"]["text"])
    assert "新兴街道办事处" in text
    assert "我街道" in text or "全街道" in text
    assert "我区" not in text and "区文明办" not in text
    assert "三级志愿服务组织体系" not in text  # it has no corps of its own


def test_the_current_year_states_its_cutoff_and_last_year_does_not(rendered):
    today = timezone.localdate()
    if today.month == 12 and today.day == 31:
        pytest.skip("on New Year's Eve the current year is whole")
    cutoff = yearly.chinese_date(today)
    assert f"本报告数据截至{cutoff}" in _flat(rendered["district"]["text"])
    assert "数据截至" not in _flat(rendered["last_year"]["text"])
