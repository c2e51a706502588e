"""The dashboard, the API, scope checks, snapshots, the workbook, the yearly report, the wording."""

import datetime as dt
import io
import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from zhiyuan.reports import rollups, wording, yearly
from zhiyuan.reports.models import ReportFile, ReportTemplate, Snapshot
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.service.models import ServiceRecord
from zhiyuan.testing.factories import END, START

YEAR_QUERY = f"start={START}&end={END}"


def test_dashboard_shows_the_district_figures_to_its_admin(district, client_for):
    response = client_for(district.alice).get(f"/reports/?{YEAR_QUERY}")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="hours_approved">10.5<' in page
    assert 'id="report-data"' in page and "dashboard.js" in page
    data = response.context["chart_data"]
    assert data["hours_by_month"][0] == 7.5
    assert [c["name"] for c in data["coverage"]] == ["新兴街道", "南营门街道"]


def test_subdistrict_admin_defaults_to_their_subdistrict(district, client_for):
    response = client_for(district.bob).get(f"/reports/?{YEAR_QUERY}")
    assert response.context["scope"].key == f"region:{district.sub_a.pk}"
    assert response.context["f"]["hours_approved"] == 6.5


def test_subdistrict_admin_cannot_ask_for_another_subdistrict(district, client_for):
    bob = client_for(district.bob)
    assert bob.get(f"/reports/?scope=region:{district.sub_b.pk}").status_code == 403
    api = bob.get(f"/api/v1/statistics?scope=region:{district.sub_b.pk}")
    assert api.status_code == 403
    assert (
        bob.get(f"/reports/statistics.xlsx?scope=region:{district.district.pk}").status_code == 403
    )


def test_team_admin_sees_their_team_subtree_but_not_a_sibling(district, client_for):
    frank_user = district.frank.user
    client = client_for(frank_user)
    response = client.get(f"/reports/?{YEAR_QUERY}")
    assert response.context["scope"].key == f"team:{district.det_1.pk}"
    assert response.context["f"]["hours_approved"] == 6.5
    assert client.get(f"/reports/?scope=team:{district.det_2.pk}").status_code == 403
    assert client.get(f"/reports/?scope=region:{district.district.pk}").status_code == 403


def test_volunteers_and_anonymous_get_no_statistics(district, client_for):
    assert client_for(district.erin).get("/reports/").status_code == 403
    assert client_for(None).get("/reports/").status_code == 302
    assert client_for(None).get("/api/v1/statistics").status_code == 401


def test_api_returns_the_figures_and_refuses_bad_input(district, client_for):
    client = client_for(district.alice)
    body = client.get(f"/api/v1/statistics?{YEAR_QUERY}").json()
    assert body["figures"]["person_times"] == 4
    assert body["scope"] == f"region:{district.district.pk}"
    bad = client.get("/api/v1/statistics?start=2026-13-01")
    assert bad.status_code == 400 and "start" in bad.json()["errors"]
    assert client.get(f"/api/v1/statistics?start={END}&end={START}").status_code == 400
    assert client.get("/api/v1/statistics?scope=planet:1").status_code == 400
    assert client.get("/api/v1/statistics?scope=region:999999").status_code == 404


def test_frozen_figures_stay_as_they_were_until_unfrozen(district, client_for):
    client = client_for(district.alice)
    period = {"scope": f"region:{district.district.pk}", "start": "2026-01-01", "end": "2026-02-01"}
    response = client.post("/api/v1/statistics/snapshots", period, content_type="application/json")
    assert response.status_code == 201
    ServiceRecord.objects.filter(served_on__month=1).update(hours=1)
    rollups.rebuild()  # a bulk update sends no signals: whoever does one rebuilds the rollups
    frozen = client.get("/api/v1/statistics", period).json()
    assert frozen["frozen"] is True and frozen["figures"]["hours_approved"] == 7.5
    again = client.post("/api/v1/statistics/snapshots", period, content_type="application/json")
    assert again.status_code == 409
    query = "&".join(f"{k}={v}" for k, v in period.items())
    assert client.delete(f"/api/v1/statistics/snapshots?{query}").status_code == 204
    live = client.get("/api/v1/statistics", period).json()
    assert live["frozen"] is False and live["figures"]["hours_approved"] == 3.0


def test_an_open_period_cannot_be_frozen_and_team_admins_cannot_freeze(district, client_for):
    period = {"scope": f"region:{district.district.pk}", "start": str(START), "end": str(END)}
    response = client_for(district.alice).post(
        "/api/v1/statistics/snapshots", period, content_type="application/json"
    )
    assert response.status_code == 400 and "end" in response.json()["errors"]
    team = {"scope": f"team:{district.det_1.pk}", "start": "2026-01-01", "end": "2026-02-01"}
    response = client_for(district.frank.user).post(
        "/api/v1/statistics/snapshots", team, content_type="application/json"
    )
    # The words name the rule: the office over the scope's region (not "the district office").
    assert response.status_code == 403
    assert (
        response.json()["message"]
        == f"只有{district.district.name}的文明办才能锁定或解锁这些统计数据。"
    )
    assert not Snapshot.objects.exists()


def test_freeze_button_on_the_dashboard(district, client_for):
    client = client_for(district.alice)
    scope = f"region:{district.district.pk}"
    form = {"scope": scope, "start": "2026-01-01", "end": "2026-03-01", "action": "freeze"}
    assert client.post("/reports/freeze/", form).status_code == 302
    assert Snapshot.objects.get().figures["hours_approved"] == 10.5
    page = client.get("/reports/", {"scope": scope, "start": "2026-01-01", "end": "2026-03-01"})
    assert 'id="frozen-badge"' in page.content.decode()
    client.post("/reports/freeze/", {**form, "action": "unfreeze"})
    assert not Snapshot.objects.exists()


def test_statistics_workbook_holds_the_figures(district, client_for):
    response = client_for(district.alice).get(f"/reports/statistics.xlsx?{YEAR_QUERY}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    headline = {row[1]: row[2] for row in book["主要数据"].iter_rows(values_only=True) if row[1]}
    assert headline["hours_approved"] == 10.5
    assert headline["hours_entered"] == 3
    assert headline["persons_served"] == 22
    assert headline["one_in_every"] == 2500
    months = list(book["按月"].iter_rows(values_only=True))
    assert months[2][:2] == ("2026-01", 7.5)  # under the title row and the header
    coverage = [r for r in book["覆盖情况"].iter_rows(values_only=True) if r[0] == "街道"]
    assert [(r[2], r[4]) for r in coverage] == [("新兴街道", 4), ("南营门街道", 2)]


def _docx_text(content: bytes) -> tuple[list[str], str]:
    document = Document(io.BytesIO(content))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    return headings, text


def test_yearly_report_from_the_dashboard_button(
    district, client_for, django_capture_on_commit_callbacks
):
    client = client_for(district.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/yearly/", {"year": "2026", "scope": f"region:{district.district.pk}"}
        )
    report = ReportFile.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/yearly/{report.pk}/"
    assert report.state == "done"  # the immediate task backend ran it
    page = client.get(response.url).content.decode()
    assert "志愿服务工作报告-2026.docx" in page  # the file's name in the reader's language
    download = client.get(f"/reports/yearly/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1"
        "%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A-2026.docx"
    )
    headings, text = _docx_text(download.content)
    assert headings[0] == "示范区2026年志愿服务工作报告"
    for heading in ("一、抓队伍", "二、抓阵地", "三、抓项目"):
        assert any(h.startswith(heading) for h in headings)
    assert not any("抓引导" in h for h in headings)  # no news or training: left out, not zeros
    assert "注册志愿者6人" in text
    assert "平均每2,500名居民中就有一名志愿者" in text
    assert "受益群众15人次" in text  # civility day
    assert "累计服务10.5小时" in text and "补录3小时" in text
    assert len(Document(io.BytesIO(download.content)).inline_shapes) >= 5  # the charts


def test_someone_else_cannot_download_a_report(
    district, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(district.alice).post("/reports/yearly/", {"year": "2026"})
    report = ReportFile.objects.get()
    assert client_for(district.bob).get(f"/reports/yearly/{report.pk}/download/").status_code == 404


def test_yearly_report_api_and_bad_year(district, client_for, django_capture_on_commit_callbacks):
    client = client_for(district.alice)
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post("/api/v1/yearly-reports", {"year": 2026}, content_type="application/json")
    assert ok.status_code == 202
    status = client.get(f"/api/v1/yearly-reports/{ok.json()['id']}").json()
    assert status["state"] == "done" and status["download_url"].endswith("/download/")
    bad = client.post("/api/v1/yearly-reports", {"year": 1800}, content_type="application/json")
    assert bad.status_code == 400 and "year" in bad.json()["errors"]


def test_report_command_writes_the_docx(district, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "report.docx"
    call_command("report", year=2026, out=str(out))
    headings, text = _docx_text(out.read_bytes())
    assert any(h.startswith("二、抓阵地") for h in headings)
    assert "志愿服务基地1个" in text


def test_wording_edit_is_used_in_the_report(district, client_for):
    client = client_for(district.alice)
    form = {f: getattr(ReportTemplate(), f) or "x" for f in ("title", *ReportTemplate.SECTIONS)}
    form.update(
        {
            "title": "{district}{year}年报",
            "opening": "全年服务{hours_approved}小时。",
            "action": "save",
        }
    )
    assert client.post("/reports/wording/", form).status_code == 302
    content = __import__("zhiyuan.reports.yearly", fromlist=["build"]).build(
        Scope.of(district.district), 2026
    )
    headings, text = _docx_text(content)
    assert headings[0] == "示范区2026年报"
    assert "全年服务10.5小时。" in text


@pytest.mark.parametrize("bad", ["{no_such_figure}", "{hours_approved", "{hours_approved.real}"])
def test_unknown_or_broken_placeholders_are_refused_and_nothing_changes(district, client_for, bad):
    client = client_for(district.alice)
    client.get("/reports/wording/")
    before = yearly.current_wording().opening
    form = {
        "title": "{year}",
        "opening": bad,
        "teams": "a",
        "stations": "b",
        "projects": "c",
        "guidance": "d",
        "closing": "e",
        "action": "save",
    }
    response = client.post("/reports/wording/", form)
    assert response.status_code == 400
    assert 'data-field="opening"' in response.content.decode()
    assert yearly.current_wording().opening == before


def test_the_wording_page_shows_the_defaults_and_its_get_writes_nothing(district, client_for):
    response = client_for(district.alice).get("/reports/wording/")
    assert response.status_code == 200
    shown = {row["name"]: row["value"] for row in response.context["rows"]}
    assert shown == {"title": wording.DEFAULT_TITLE, **wording.DEFAULT}
    assert not ReportTemplate.objects.exists()


def test_the_wording_page_explains_each_placeholder_in_the_readers_language(district, client_for):
    client = client_for(district.alice)
    chinese = client.get("/reports/wording/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = re.search(r'<table id="placeholders">.*?</table>', chinese, re.S).group(0)
    meanings = re.findall(r"</code></td><td>(.*?)</td>", table)
    assert len(meanings) == len(wording.PLACEHOLDERS)
    assert [m for m in meanings if re.search(r"[A-Za-z]{2,}", m)] == []
    english = client.get("/reports/wording/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>report year</td>" in english


def test_a_saved_wording_is_offered_the_default_sentences_it_leaves_out(district, client_for):
    """A district that saved its wording before the ratings and complaints sentences existed
    sees them listed on the page and adds them with one button; its own words stay."""
    client = client_for(district.alice)
    new = ("ratings_", "activities_rated", "complaint")
    old_projects = "".join(
        s
        for s in wording.sentences(wording.DEFAULT["projects"])
        if not any(n.startswith(new) for n in wording.figures_in(s))
    )
    form = {f: getattr(yearly.current_wording(), f) for f in ("title", *ReportTemplate.SECTIONS)}
    form.update({"projects": "我们自己的话。" + old_projects, "action": "save"})
    assert client.post("/reports/wording/", form).status_code == 302
    page = client.get("/reports/wording/")
    left = {row["name"]: row["left_out"] for row in page.context["rows"]}
    assert [n for n, sentences in left.items() if sentences] == ["projects"]
    assert any("{complaints_filed}" in s for s in left["projects"])
    assert any("{ratings_activity_score}" in s for s in left["projects"])
    assert 'id="wording-add-left-out"' in page.content.decode()
    assert client.post("/reports/wording/", {"action": "add_left_out"}).status_code == 302
    saved = ReportTemplate.objects.get().projects
    assert saved.startswith("我们自己的话。") and "{complaints_filed}" in saved
    after = client.get("/reports/wording/")
    assert not any(row["left_out"] for row in after.context["rows"])
    assert 'id="wording-add-left-out"' not in after.content.decode()


def test_only_district_admins_edit_the_wording(district, client_for):
    assert client_for(district.bob).get("/reports/wording/").status_code == 403
    assert client_for(district.alice).get("/reports/wording/").status_code == 200


def test_figures_are_json_serialisable(district):
    f = compute(Scope.of(district.district), START, END)
    json.dumps(f.as_json())
    assert f.start == dt.date(2026, 1, 1)


def test_bad_dashboard_input_falls_back_to_the_defaults_with_a_message(district, client_for):
    client = client_for(district.alice)
    for query in (
        "scope=planet:1",
        "scope=region:abc",
        "start=2026-99-01",
        f"start={END}&end={START}",
    ):
        response = client.get(f"/reports/?{query}")
        assert response.status_code == 200, query
        assert response.context["scope"].key == f"region:{district.district.pk}"
        assert list(response.context["messages"]), query
    assert client.get("/reports/statistics.xlsx?start=nope").status_code == 400
