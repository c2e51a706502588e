"""Nobody is refused for an optional value: close matches, synonyms, the value step."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhiyuan.spreadsheets import services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob, ValueSynonym
from zhiyuan.testing.factories import person_id, xlsx
from zhiyuan.volunteers.models import Skill, Volunteer

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号", "社区", "技能", "政治面貌"]


def roster(skill_cells: list[str], political: str = "群众") -> bytes:
    rows = [HEADER]
    for n, cell in enumerate(skill_cells, start=1):
        rows.append([f"志愿者{n}", person_id(n), f"139000001{n:02d}", "新兴社区", cell, political])
    return xlsx(rows)


def upload(cast, data: bytes) -> ImportJob:
    return services.create_job(actor=cast.alice, name="r.xlsx", data=data, consent_confirmed=True)


def run(cast, job: ImportJob) -> ImportJob:
    services.start_job(actor=cast.alice, job=job)
    return services.run_job(job.pk)


def skills_of(name: str) -> set[str]:
    return set(Volunteer.objects.get(real_name=name).skills.values_list("code", flat=True))


def test_close_words_match_the_configured_skill_and_nobody_is_refused(cast):
    job = run(
        cast, upload(cast, roster(["法律", "摄影", "飞行、义务指路"], political="无党派人士"))
    )
    assert (job.imported, job.errors, job.warnings) == (3, 0, 3)
    assert skills_of("志愿者1") == {"legal"}
    assert skills_of("志愿者2") == {"photography"}
    assert skills_of("志愿者3") == {"guide"}
    warned = ImportIssue.objects.filter(job=job, kind="warning")
    assert ("技能", "飞行") in set(warned.values_list("column", "value"))
    assert Volunteer.objects.get(real_name="志愿者1").political_status == "masses"


def test_a_synonym_from_the_list_is_used(cast):
    ValueSynonym.objects.create(field="skills", text="讲法", value="legal")
    job = run(cast, upload(cast, roster(["讲法"])))
    assert (job.imported, job.warnings) == (1, 0)
    assert skills_of("志愿者1") == {"legal"}


def test_the_value_step_lists_unknown_words_maps_creates_and_ignores(cast, client_for):
    client = client_for(cast.alice)
    job = upload(cast, roster(["飞行", "飞行、茶艺", "无", "义务指路"]))
    page = client.get(reverse("spreadsheets:review", args=[job.pk]))
    body = page.content.decode()
    assert 'id="unknown-values"' in body
    table = page.context["unknown"]
    assert [(u["word"], u["rows"]) for u in table] == [("飞行", 2), ("茶艺", 1), ("无", 1)]
    form = {}
    for u in table:
        form[f"word_{u['index']}"] = u["word"]
        form[f"field_{u['index']}"] = u["field"]
        form[f"choice_{u['index']}"] = {"飞行": "driving", "茶艺": "create", "无": "ignore"}[
            u["word"]
        ]
    saved = client.post(reverse("spreadsheets:values", args=[job.pk]), form)
    assert saved.status_code == 302
    assert client.get(reverse("spreadsheets:review", args=[job.pk])).context["unknown"] == []
    job = run(cast, job)
    assert (job.imported, job.errors, job.warnings) == (4, 0, 0)
    tea = Skill.objects.get(name="茶艺")
    assert skills_of("志愿者2") == {"driving", tea.code}
    assert skills_of("志愿者3") == set()
    # Remembered for the next import.
    assert set(ValueSynonym.objects.values_list("text", "value")) == {
        ("飞行", "driving"),
        ("茶艺", tea.code),
        ("无", ""),
    }


def test_a_choice_outside_the_offered_values_is_refused(cast, client_for):
    job = upload(cast, roster(["飞行"]))
    response = client_for(cast.alice).post(
        reverse("spreadsheets:values", args=[job.pk]),
        {"word_0": "飞行", "field_0": "skills", "choice_0": "first_aid"},  # needs training
        follow=True,
    )
    assert "飞行" in response.content.decode()
    assert not ValueSynonym.objects.exists()


def test_the_command_line_takes_the_choices_from_a_file(cast, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster(["飞行", "茶艺"]))
    choices = tmp_path / "values.tsv"
    choices.write_text("# field\tword\tchoice\nskills\t飞行\tdriving\nskills\t茶艺\tignore\n")
    out = io.StringIO()
    call_command(
        "import", "volunteers", str(path), "--as", "alice", "--values", str(choices), stdout=out
    )
    assert "2 value choices stored." in out.getvalue()
    assert skills_of("志愿者1") == {"driving"}
    assert skills_of("志愿者2") == set()


def test_excel_as_offices_fill_it(cast):
    """ID numbers typed as numbers (digits lost), phones as numbers, dates as day numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2026年花名册"])
    sheet.append(["填表说明：带*为必填"])
    sheet.append(["姓 名*", "证件类型", "证件号码", "手机号码", "社区", "出生日期", "性别"])
    sheet.append(["数字号", "居民身份证", int(person_id(1)[:17] + "0"), 13900000101.0, "新兴社区"])
    sheet.append(["护照甲", "护照", "E12345678", 13900000102, "新兴社区", 32875, "女"])
    sheet.append(["护照乙", "护照", "E12345679", "13900000103", "新兴社区", "1990.1.2", "男"])
    sheet.append(["护照丙", "护照", "E12345670", "13900000104", "新兴社区", "1990年1月2日", "男"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = run(cast, upload(cast, buffer.getvalue()))
    assert job.header_row == 3
    assert (job.imported, job.errors) == (3, 1)
    issue = ImportIssue.objects.get(job=job, kind="error")
    assert issue.row == 4 and "文本" in issue.reason
    births = set(
        Volunteer.objects.filter(real_name__startswith="护照").values_list("birth_date", flat=True)
    )
    assert {str(b) for b in births} == {"1990-01-02"}
    assert Volunteer.objects.get(real_name="护照甲").decrypted("phone") == "13900000102"


def test_registered_people_are_skipped_or_their_blanks_filled_in(cast, client_for):
    from zhiyuan.testing.factories import id_number

    rows = [
        HEADER,
        ["张卡洛", id_number(1), "13800000001", "新兴社区", "法律咨询", "中共党员"],
        [
            "李大卫",
            id_number(2, birth=__import__("datetime").date(1985, 1, 2)),
            "13800000002",
            "南营门社区",
            "义务指路",
            "群众",
        ],
    ]
    job = upload(cast, xlsx(rows))
    client = client_for(cast.alice)
    form = {f"map_{name}": str(index) for name, index in job.mapping.items()}
    response = client.post(
        reverse("spreadsheets:review", args=[job.pk]),
        {**form, "header_row": job.header_row, "existing": "fill_blanks", "start": "1"},
    )
    assert response.status_code == 302
    job = services.run_job(job.pk)
    assert (job.imported, job.duplicates) == (0, 2)
    cast.carol.refresh_from_db()
    assert cast.carol.political_status == "cpc_member"  # was the default
    assert skills_of("张卡洛") == {"guide", "first_aid"}  # held skills stay as they were
    assert skills_of("李大卫") == {"guide"}  # had none
    assert "filled in" in ImportIssue.objects.filter(job=job).first().reason or "补" in (
        ImportIssue.objects.filter(job=job).first().reason
    )
