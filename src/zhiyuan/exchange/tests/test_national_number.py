"""The national unified volunteer number: its format, one per person, the office's to set
(page, API, roster column), never the volunteer's own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from zhiyuan.core.errors import DomainError
from zhiyuan.spreadsheets import services as imports
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.testing.factories import id_number, person_id, xlsx
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.validation import national_number

pytestmark = pytest.mark.django_db


@override("en")
def test_a_national_number_is_folded_and_checked():
    assert national_number(" ab-１２３４ 5678 ") == "AB12345678"
    assert national_number("") is None
    for bad, words in [
        ("1234567", "8 to 20"),
        ("ABCD1234!", "8 to 20"),
        ("ZY00000001", "district's own"),
        (id_number(1), "ID number"),
    ]:
        with pytest.raises(DomainError) as caught:
            national_number(bad)
        assert words in str(caught.value.message)
        assert caught.value.field == "national_no"


def test_the_office_sets_it_on_the_volunteer_page(cast, client_for):
    url = reverse("volunteers:manage_national_number", args=[cast.carol.volunteer_no])
    response = client_for(cast.bob).post(url, {"national_no": "1201-0000-1234"})
    assert response.status_code == 302
    cast.carol.refresh_from_db()
    assert cast.carol.national_no == "120100001234"
    page = client_for(cast.bob).get(
        reverse("volunteers:manage_detail", args=[cast.carol.volunteer_no])
    )
    assert "120100001234" in page.content.decode()


def test_a_taken_number_is_refused_in_chinese_and_nothing_changes(cast, client_for):
    Volunteer.objects.filter(pk=cast.dave.pk).update(national_no="120100001234")
    url = reverse("volunteers:manage_national_number", args=[cast.carol.volunteer_no])
    response = client_for(cast.alice).post(
        url, {"national_no": "120100001234"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "已是另一名志愿者的" in response.content.decode()
    cast.carol.refresh_from_db()
    assert cast.carol.national_no is None


def test_the_api_sets_and_clears_it_for_the_office_only(cast, client_for):
    url = f"/api/v1/volunteers/{cast.carol.volunteer_no}"
    alice = client_for(cast.alice)
    response = alice.patch(url, {"national_no": "T2026000123"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["national_no"] == "T2026000123"
    cleared = alice.patch(url, {"national_no": ""}, content_type="application/json")
    assert cleared.json()["national_no"] is None
    # The volunteer may edit her profile, but not this number.
    own = client_for(cast.carol_user).patch(
        url, {"national_no": "T2026000999"}, content_type="application/json"
    )
    assert own.status_code == 403
    # An office outside her region (bob runs sub_a; dave lives in sub_b) may not.
    other = client_for(cast.bob).patch(
        f"/api/v1/volunteers/{cast.dave.volunteer_no}",
        {"national_no": "T2026000777"},
        content_type="application/json",
    )
    assert other.status_code in (403, 404)
    assert not Volunteer.objects.filter(national_no__isnull=False).exists()


def test_a_roster_column_brings_national_numbers_in(cast):
    Volunteer.objects.filter(pk=cast.dave.pk).update(national_no="N000000099")
    rows = [
        ["姓名", "身份证号码", "手机", "社区", "志愿者统一编号"],
        ["王一", person_id(11), "13900000011", "新兴社区", "N000000011"],
        ["王二", person_id(12), "13900000012", "新兴社区", "N000000099"],  # dave's
        ["王三", person_id(13), "13900000013", "新兴社区", "bad!"],
        ["张卡洛", id_number(1), "13800000001", "新兴社区", "N000000001"],  # carol, registered
    ]
    job = imports.create_job(
        actor=cast.alice, name="roster.xlsx", data=xlsx(rows), consent_confirmed=True
    )
    assert job.mapping["national_no"] == 4
    imports.set_mapping(
        actor=cast.alice, job=job, mapping=job.mapping, existing=ImportJob.Existing.FILL_BLANKS
    )
    imports.start_job(actor=cast.alice, job=job)
    job = imports.run_job(job.pk)
    assert job.imported == 3
    found = dict(
        Volunteer.objects.filter(real_name__in=["王一", "王二", "王三", "张卡洛"]).values_list(
            "real_name", "national_no"
        )
    )
    assert found == {"王一": "N000000011", "王二": None, "王三": None, "张卡洛": "N000000001"}
    warned = ImportIssue.objects.filter(job=job, kind=ImportIssue.Kind.WARNING)
    assert warned.count() == 2
