"""Transfers in (转移接续): matched by ID number or national number, kept apart with their
source, counted in the totals once however often the file comes, a bad file changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.service.models import HoursTotal, TransferBatch, TransferredRecord
from zhiyuan.testing.factories import days_ago, id_number, xlsx
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
SOURCE = "全国志愿服务信息系统"


def jsonl(*records: dict) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


def carol_and_dave() -> bytes:
    return jsonl(
        {
            "记录类型": "志愿服务记录",
            "记录编号": "R-1",
            "证件号码": id_number(1),
            "服务日期": days_ago(40).isoformat(),
            "服务时长": "3.5",
            "记录团体名称": "天津市河西区志愿者协会",
            "服务内容": "社区助老",
        },
        {
            "记录类型": "志愿服务记录",
            "记录编号": "R-2",
            "志愿者统一编号": "N000000002",
            "服务日期": days_ago(30).isoformat(),
            "服务时长": 2,
            "记录团体名称": "天津市河西区志愿者协会",
            "项目名称": "文明交通",
        },
        {"记录类型": "志愿者", "姓名": "不是记录"},
    )


def upload(client, data: bytes, name="transfer.jsonl", source=SOURCE):
    """The transfer page with a file; the API for JSON Lines (its records as objects)."""
    if name.endswith(".jsonl"):
        records = [json.loads(line) for line in data.decode().splitlines()]
        return client.post(
            "/api/v1/exchange/transfers",
            {"source": source, "filename": name, "records": records},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    return client.post(
        reverse("exchange:transfer"),
        {"source": source, "file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_the_same_file_twice_counts_once(cast, client_for):
    Volunteer.objects.filter(pk=cast.dave.pk).update(national_no="N000000002")
    alice = client_for(cast.alice)
    first = upload(alice, carol_and_dave())
    assert first.status_code == 201, first.content
    assert (first.json()["added"], first.json()["already_held"]) == (2, 0)
    assert Decimal(first.json()["added_hours"]) == Decimal("5.5")
    again = upload(alice, carol_and_dave(), source=" 全国志愿服务信息系统 ")
    assert (again.json()["added"], again.json()["already_held"]) == (0, 2)
    assert TransferredRecord.objects.count() == 2
    assert HoursTotal.objects.get(volunteer=cast.carol).approved_hours == Decimal("3.5")
    assert HoursTotal.objects.get(volunteer=cast.dave).approved_hours == Decimal("2")
    assert TransferBatch.objects.count() == 2


def test_a_bad_row_refuses_the_file_and_nothing_changes(cast, client_for):
    data = jsonl(
        {
            "证件号码": id_number(1),
            "服务日期": days_ago(3).isoformat(),
            "服务时长": "2",
            "记录团体名称": "某志愿服务队",
        },
        {
            "证件号码": id_number(1),
            "服务日期": "明天",
            "服务时长": "2",
            "记录团体名称": "某志愿服务队",
        },
        {
            "证件号码": id_number(1),
            "服务日期": days_ago(3).isoformat(),
            "服务时长": "30",
            "记录团体名称": "某志愿服务队",
        },
    )
    response = upload(client_for(cast.alice), data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"row_2", "row_3"}
    assert "第2行" in errors["row_2"][0] and "YYYY-MM-DD" in errors["row_2"][0]
    assert "24" in errors["row_3"][0]
    assert not TransferredRecord.objects.exists() and not TransferBatch.objects.exists()


def test_volunteers_outside_the_office_region_are_not_found(cast, client_for):
    data = jsonl(
        {
            "证件号码": id_number(2, birth=cast.dave.birth_date),
            "服务日期": days_ago(3).isoformat(),
            "服务时长": "2",
            "记录团体名称": "某志愿服务队",
        },
    )
    response = upload(client_for(cast.bob), data)  # bob runs sub_a; dave lives in sub_b
    assert response.status_code == 400
    assert "您所在的区域" in response.json()["errors"]["row_1"][0]
    assert not TransferredRecord.objects.exists()


def test_volunteers_and_residents_may_not_transfer(cast, client_for):
    for user in (cast.carol_user, cast.erin):
        assert upload(client_for(user), carol_and_dave()).status_code == 403
    assert client_for(cast.erin).get(reverse("exchange:index")).status_code == 403


def test_a_spreadsheet_with_other_headings_is_read_on_the_page_twice(cast, client_for):
    data = xlsx(
        [
            ["转移接续记录"],
            ["服务记录编号", "姓名", "身份证号码", "活动日期", "服务时长(小时)", "志愿服务组织"],
            ["X9", "张卡洛", id_number(1), days_ago(5).isoformat(), "4", "外区志愿者协会"],
        ]
    )
    alice = client_for(cast.alice)
    for _ in range(2):
        response = upload(alice, data, name="other.xlsx")
        assert response.status_code == 302
    assert TransferredRecord.objects.get().organisation == "外区志愿者协会"
    page = alice.get(reverse("exchange:index")).content.decode()
    assert "外区志愿者协会" not in page and 'class="held">1<' in page


def test_a_bad_file_on_the_page_lists_its_rows_in_chinese(cast, client_for):
    data = "证件号码,服务日期,服务时长,记录团体名称\n" + f"{id_number(1)},2020-13-01,2,外区协会\n"
    response = upload(client_for(cast.alice), data.encode(), name="bad.csv")
    assert response.status_code == 400
    html = response.content.decode()
    assert "第2行：服务日期请写作 YYYY-MM-DD 格式。" in html
    assert not TransferBatch.objects.exists()


def test_transferred_hours_are_shown_apart(cast, client_for):
    Volunteer.objects.filter(pk=cast.dave.pk).update(national_no="N000000002")
    assert upload(client_for(cast.alice), carol_and_dave()).status_code == 201
    page = client_for(cast.carol_user).get(reverse("service:my_hours"))
    html = page.content.decode()
    assert 'id="transferred"' in html and "天津市河西区志愿者协会" in html
    figures = compute(Scope.of(cast.district), days_ago(365), days_ago(-1))
    assert (figures["hours_transferred"], figures["records_transferred"]) == (5.5, 2)
    assert figures["hours_approved"] == 0
    carols = compute(Scope.of(cast.sub_a), days_ago(365), days_ago(-1))
    assert (carols["hours_transferred"], carols["records_transferred"]) == (3.5, 1)
