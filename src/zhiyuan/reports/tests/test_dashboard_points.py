"""The dashboard's small things (issue 20): grouped numbers, each figure's definition as its
tooltip and in a glossary, the coverage legend in volunteers per 100 residents, axis labels
with room, the running month marked."""

from pathlib import Path

from django.utils import timezone

from zhiyuan.reports import glossary
from zhiyuan.reports.views import partial_month
from zhiyuan.reports.wording import number
from zhiyuan.testing.factories import END, START, YEAR

YEAR_QUERY = f"start={YEAR}-01-01&end={YEAR + 1}-01-01"


def test_numbers_are_grouped_by_thousands_without_a_trailing_zero():
    assert number(1870844.0) == "1,870,844"
    assert number(160000) == "160,000"
    assert number(2.25) == "2.2" or number(2.25) == "2.3"
    assert number(None) == "—"


def test_each_headline_figure_carries_its_definition(district, client_for):
    html = client_for(district.alice).get(f"/reports/?{YEAR_QUERY}").content.decode()
    hours = glossary.GLOSSARY["hours_approved"]
    assert f'title="{hours.tooltip}"' in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert 'id="glossary"' in html and str(hours.label) in html
    assert "服务人次" in html  # 服务人次 = the number of service records


def test_coverage_is_per_100_residents(district, client_for):
    response = client_for(district.alice).get(f"/reports/?{YEAR_QUERY}")
    coverage = {c["name"]: c["value"] for c in response.context["chart_data"]["coverage"]}
    assert coverage["新兴街道"] == 0.04  # 4 volunteers, 10,000 residents


def test_the_running_month_is_marked_and_axes_have_room():
    today = timezone.localdate()
    assert partial_month(START, END) == (f"{today:%Y-%m}" if START <= today < END else None)
    script = (
        Path(__file__).resolve().parents[1] / "static" / "reports" / "dashboard.js"
    ).read_text()
    assert "containLabel: true" in script and "precision: 1" in script
