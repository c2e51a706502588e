"""Importing rosters as offices have them: messy headers, every kind of bad row, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from zhiyuan.core import crypto
from zhiyuan.spreadsheets import services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.testing.factories import csv_bytes, id_number, person_id, read_xlsx, xlsx
from zhiyuan.volunteers.idcard import check_digit
from zhiyuan.volunteers.models import Skill, Volunteer

pytestmark = pytest.mark.django_db


def run(actor, name, data, **kwargs) -> ImportJob:
    job = services.create_job(actor=actor, name=name, data=data, consent_confirmed=True, **kwargs)
    services.start_job(actor=actor, job=job)
    return services.run_job(job.pk)


def issues(job) -> dict[int, list[tuple[str, str, str]]]:
    found: dict[int, list[tuple[str, str, str]]] = {}
    for issue in ImportIssue.objects.filter(job=job):
        found.setdefault(issue.row, []).append((issue.kind, issue.column, issue.value))
    return found


def test_messy_header_is_found_and_every_column_mapped(cast):
    """A merged title row, titles in another order and naming, full-width, spaces, lowercase x."""
    # A man's number whose check digit is X (odd sequence digit), typed with a lowercase x.
    base = "120101" + "19920304"
    number_x = next(
        base + f"{seq:03d}X" for seq in range(1, 1000, 2) if check_digit(base + f"{seq:03d}") == "X"
    )
    full_width_id = person_id(8).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    data = xlsx(
        [
            ["序号", " 手机 ", "名字", "证件号码（必填）", "社区", "特长", "性别", "政治面貌"],
            [
                1,
                "13900000001",
                " 王 小明 ",
                number_x.lower(),
                "新兴社区",
                "义务指路、 摄影摄像",
                "男",
                "中共党员",
            ],
            [2, "１３９ ００００ ０００２", "赵丽", full_width_id, " 朝阳社区 ", "", "", "群众"],
        ],
        title="2026年新兴街道志愿者花名册",
        merge_title_over=8,
    )
    job = services.create_job(
        actor=cast.alice, name="花名册.xlsx", data=data, consent_confirmed=True
    )
    assert job.header_row == 2
    assert job.mapping == {
        "phone": 1,
        "real_name": 2,
        "id_number": 3,
        "community": 4,
        "skills": 5,
        "gender": 6,
        "political_status": 7,
    }
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.status, job.total, job.imported, job.errors, job.duplicates) == (
        "done",
        2,
        2,
        0,
        0,
    )
    wang = Volunteer.objects.get(real_name="王 小明")
    assert wang.decrypted("id_number") == number_x
    assert wang.id_number_index == crypto.blind_index("id_number", f"resident_id:{number_x}")
    assert wang.decrypted("phone") == "13900000001"
    assert wang.community == cast.a1
    assert sorted(s.code for s in wang.skills.all()) == ["guide", "photography"]
    assert wang.political_status == "cpc_member"
    assert (wang.status, wang.reviewed_by) == ("active", cast.alice)
    zhao = Volunteer.objects.get(real_name="赵丽")
    assert zhao.decrypted("id_number") == person_id(8)
    assert zhao.decrypted("phone") == "13900000002"
    assert zhao.community == cast.a2
    assert zhao.birth_date == dt.date(1992, 3, 4)


def test_every_kind_of_bad_row_is_reported_and_good_rows_imported(cast):
    Skill.objects.filter(code="first_aid").update(requires_training=True)
    bad_check = person_id(20)[:17] + ("0" if person_id(20)[17] != "0" else "1")
    impossible_date = "120101" + "19920230" + "123"
    impossible_date += check_digit(impossible_date)
    header = ["姓名", "身份证号", "手机号", "所属社区", "技能"]
    rows = [
        ["好人甲", person_id(10), "13900000010", "新兴社区", "义务指路"],  # row 2
        ["坏校验", bad_check, "13900000011", "新兴社区", ""],  # 3
        ["坏日期", impossible_date, "13900000012", "新兴社区", ""],  # 4
        ["坏手机", person_id(13), "1390000", "新兴社区", ""],  # 5
        ["无社区", person_id(14), "13900000014", "月亮社区", ""],  # 6
        ["外社区", person_id(15), "13900000015", "南营门社区", ""],  # 7 outside bob's scope
        ["怪技能", person_id(16), "13900000016", "新兴社区", "飞行"],  # 8
        ["需培训", person_id(17), "13900000017", "新兴社区", "应急救助"],  # 9
        ["", person_id(18), "13900000018", "新兴社区", ""],  # 10 empty name
        ["好人乙", person_id(10), "13900000019", "朝阳社区", ""],  # 11 same ID as row 2
        ["卡洛", id_number(1), "13900000020", "新兴社区", ""],  # 12: carol is registered
        ["好人丙", person_id(21), "13900000021", "朝阳社区", "摄影摄像"],  # 13
    ]
    job = run(cast.bob, "roster.xlsx", xlsx([header, *rows]))
    # An unknown skill and one that needs training: imported without it (warnings).
    assert (job.total, job.imported, job.errors, job.duplicates) == (12, 4, 6, 2)
    assert job.warnings == 2
    found = issues(job)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert found[3] == [("error", "身份证号", bad_check[:3] + "*" * 11 + bad_check[-4:])]
    assert found[4][0][1] == "身份证号"
    assert found[5] == [("error", "手机号", "*******")]
    assert found[6] == [("error", "所属社区", "月亮社区")]
    assert found[7] == [("error", "所属社区", "南营门社区")]
    assert found[8] == [("warning", "技能", "飞行")]
    assert found[9] == [("warning", "技能", "应急救助")]
    assert found[10][0][:2] == ("error", "姓名")
    assert found[11][0][0] == "duplicate"
    assert found[12][0][0] == "duplicate"
    assert set(
        Volunteer.objects.filter(reviewed_by=cast.bob).values_list("real_name", flat=True)
    ) == {"好人甲", "好人丙", "怪技能", "需培训"}
    assert not Volunteer.objects.get(real_name="需培训").skills.exists()
    report = read_xlsx(job.error_report.open("rb").read())
    assert len(report) == 1 + 10
    assert [r[0] for r in report[1:]] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    # No full ID number or phone leaks into the report.
    flat = " ".join(str(cell) for row in report for cell in row)
    assert bad_check not in flat and person_id(10) not in flat and "1390000" not in flat


def test_reasons_name_the_rule(cast):
    impossible_date = "120101" + "19920230" + "123"
    impossible_date += check_digit(impossible_date)
    job = run(
        cast.alice,
        "r.xlsx",
        xlsx(
            [
                ["姓名", "身份证号", "手机号", "社区"],
                ["坏日期", impossible_date, "13900000012", "新兴社区"],
            ]
        ),
    )
    issue = ImportIssue.objects.get(job=job)
    assert "19920230" in issue.reason


def test_community_default_fills_empty_cells_and_must_be_in_scope(cast):
    data = xlsx([["姓名", "身份证号", "手机号"], ["默认社", person_id(30), "13900000030"]])
    job = run(cast.alice, "r.xlsx", data, community_default=cast.b1.code)
    assert job.imported == 1
    assert Volunteer.objects.get(real_name="默认社").community == cast.b1
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_job(
            actor=cast.bob,
            name="r.xlsx",
            data=data,
            consent_confirmed=True,
            community_default=cast.b1.code,
        )
    assert "community_default" in exc.value.errors


def test_csv_utf8_with_bom_and_gbk(cast):
    header = ["姓名", "身份证号码", "联系电话", "所属社区"]
    utf8 = csv_bytes([header, ["甲一", person_id(40), "13900000040", "新兴社区"]], "utf-8-sig")
    gbk = csv_bytes([header, ["乙二", person_id(41), "13900000041", "朝阳社区"]], "gbk")
    assert utf8.startswith(b"\xef\xbb\xbf")
    first = run(cast.alice, "a.csv", utf8)
    second = run(cast.alice, "b.CSV", gbk)
    assert (first.imported, second.imported) == (1, 1)
    assert Volunteer.objects.get(real_name="乙二").community == cast.a2
    assert Volunteer.objects.get(real_name="甲一").community == cast.a1


def test_rerun_of_the_same_file_imports_nothing_twice(cast):
    data = xlsx(
        [["姓名", "身份证号", "手机号", "社区"]]
        + [[f"人{n}", person_id(100 + n), f"139000001{n:02d}", "新兴社区"] for n in range(5)]
    )
    assert run(cast.alice, "r.xlsx", data).imported == 5
    again = run(cast.alice, "r.xlsx", data)
    assert (again.imported, again.duplicates, again.errors) == (0, 5, 0)
    assert Volunteer.objects.filter(real_name__startswith="人").count() == 5


def test_file_without_header_or_rows_is_refused(cast):
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_job(
            actor=cast.alice,
            name="r.xlsx",
            data=xlsx([["a", "b"], ["1", "2"]]),
            consent_confirmed=True,
        )
    assert "file" in exc.value.errors
    with pytest.raises(services.ValidationFailed):
        services.create_job(
            actor=cast.alice,
            name="r.xlsx",
            data=xlsx([["姓名", "身份证号"]]),
            consent_confirmed=True,
        )
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_job(actor=cast.alice, name="r.pdf", data=b"%PDF", consent_confirmed=True)
    assert "file" in exc.value.errors
    assert not ImportJob.objects.exists()


def test_only_office_admins_import(cast):
    with pytest.raises(services.PermissionDenied):
        services.create_job(
            actor=cast.erin,
            name="r.xlsx",
            data=xlsx([["姓名", "身份证号", "手机号"], ["甲", person_id(1), "13900000001"]]),
            consent_confirmed=True,
        )


def test_the_quick_id_check_agrees_with_the_registration_rules(cast):
    """The validator checks plain resident ID numbers itself (the slow part of a row); it must
    accept exactly what `parse_document` accepts, as it parses it, and leave the rest to it."""
    import random

    from zhiyuan.core.errors import DomainError
    from zhiyuan.places.models import Region
    from zhiyuan.spreadsheets.validation import RowValidator
    from zhiyuan.volunteers.idcard import generate_gb11643, parse_document

    today = dt.date(2026, 5, 1)
    validator = RowValidator(
        scope=Region.objects.filter(parent__isnull=True).first(), mapping={}, titles=[], today=today
    )
    rng = random.Random(5)
    accepted = refused = 0
    for _ in range(3000):
        birth = dt.date(1890, 1, 1) + dt.timedelta(days=rng.randrange(0, 140 * 365))
        place = rng.choice(["120101", "810000", "830000", "999999", "000000"])
        number = generate_gb11643(place, birth, rng.randrange(1000))
        kind = rng.random()
        if kind < 0.3:
            number = number[:17] + rng.choice("0123456789Xx")
        elif kind < 0.4:
            number = number[:10] + rng.choice(["13", "00", "02"]) + number[12:]
        elif kind < 0.5:
            number = number.lower()
        elif kind < 0.55:
            number = number[:17] + "Y"
        quick = validator._plain_resident_id("resident_id", number)
        try:
            full = parse_document("resident_id", number, today=today)
        except DomainError:
            full = None
        if quick is None:
            refused += 1
            continue
        accepted += 1
        assert full is not None, number
        assert (quick.id_type, quick.number, quick.birth_date, quick.gender) == (
            full.id_type,
            full.number,
            full.birth_date,
            full.gender,
        )
    assert accepted > 1000 and refused > 500
    # Other types and non-ASCII input are always left to parse_document.
    assert validator._plain_resident_id("passport", "E12345678") is None
    assert validator._plain_resident_id("resident_id", "１" + person_id(1)[1:]) is None
