"""`zhiyuan demo`: the district's shape, valid unique identities, sign-in, idempotence, seeds."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhiyuan.accounts.models import Role, RoleGrant, User
from zhiyuan.places.models import Region
from zhiyuan.volunteers.idcard import parse_document, parse_mobile
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import PRIVACY_NOTICE_VERSION

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--volunteers", "300", *args, stdout=out)
    return out.getvalue()


def people_of_a_demo(*args: str) -> list[tuple]:
    """The volunteers a demo makes, then rolled back so the next demo starts empty."""
    with transaction.atomic():
        demo(*args)
        people = list(
            Volunteer.objects.order_by("volunteer_no").values_list(
                "volunteer_no", "real_name", "birth_date", "id_number_index", "phone_index"
            )
        )
        transaction.set_rollback(True)
    return people


def test_demo_builds_the_district_of_the_seed_report():
    demo()
    district = Region.objects.get(level=Region.Level.DISTRICT)
    subdistricts = Region.objects.filter(level=Region.Level.SUBDISTRICT)
    communities = Region.objects.filter(level=Region.Level.COMMUNITY)
    assert (district.name, district.code) == ("示范区", "120199000000")
    assert subdistricts.count() == 6
    assert communities.count() == 62
    assert communities.aggregate(total=Sum("population"))["total"] == 340_200
    for community in communities.select_related("parent"):
        assert community.code[:9] == community.parent.code[:9]
        assert community.path == f"/{district.code}/{community.parent.code}/{community.code}/"


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_gender():
    demo()
    volunteers = list(Volunteer.objects.all())
    assert len(volunteers) == 300
    today = timezone.localdate()
    for volunteer in volunteers:
        number = volunteer.decrypted("id_number")
        document = parse_document("resident_id", number)
        assert document.warnings == ()
        assert (document.birth_date, document.gender) == (volunteer.birth_date, volunteer.gender)
        assert re.fullmatch(r"\d{3}\*{11}[\dX]{4}", volunteer.id_number_masked)
        assert volunteer.id_number_masked[-4:] == number[-4:]
        born = volunteer.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert 16 <= age <= 80


def test_id_numbers_and_phones_are_unique_and_phones_are_valid_mobiles():
    demo()
    rows = list(Volunteer.objects.all())
    assert len({v.id_number_index for v in rows}) == len(rows)
    assert len({v.phone_index for v in rows}) == len(rows)
    for volunteer in rows:
        phone = volunteer.decrypted("phone")
        assert parse_mobile(phone) == phone
        assert volunteer.phone_masked == f"{phone[:3]}****{phone[-4:]}"


def test_volunteers_look_like_a_registration_history():
    demo()
    volunteers = Volunteer.objects.all()
    active = volunteers.filter(status=Volunteer.Status.ACTIVE).count()
    assert active > 0.8 * volunteers.count()
    assert volunteers.filter(status=Volunteer.Status.PENDING).exists()
    dates = sorted(volunteers.values_list("created_at", flat=True))
    assert dates[-1] - dates[0] > dt.timedelta(days=2 * 365)
    assert not volunteers.exclude(consent_version=PRIVACY_NOTICE_VERSION).exists()
    assert volunteers.filter(skills__isnull=False).distinct().count() > 150
    assert volunteers.exclude(availability=0).count() > 150
    assert volunteers.values("community").distinct().count() > 50


def test_demo_accounts_sign_in_with_the_printed_credentials(client):
    out = demo()
    assert "admin / zhiyuan-demo" in out
    assert "volunteer / zhiyuan-demo" in out
    admin = User.objects.get(username="admin")
    assert RoleGrant.objects.filter(
        user=admin, role=Role.DISTRICT_ADMIN, region__level=Region.Level.DISTRICT
    ).exists()
    assert (
        client.post(
            "/accounts/login/", {"username": "admin", "password": "zhiyuan-demo"}
        ).status_code
        == 302
    )
    assert client.get("/volunteers/manage/").status_code == 200
    volunteer_user = User.objects.get(username="volunteer")
    assert volunteer_user.volunteer.status == Volunteer.Status.ACTIVE
    assert (
        client.post(
            "/accounts/login/", {"username": "volunteer", "password": "zhiyuan-demo"}
        ).status_code
        == 302
    )


def test_if_empty_on_a_filled_database_adds_nothing():
    demo()
    out = demo("--if-empty")
    assert "already has a district" in out
    assert Region.objects.count() == 1 + 6 + 62
    assert Volunteer.objects.count() == 300


def test_a_second_demo_without_if_empty_is_refused():
    demo()
    with pytest.raises(CommandError, match="already has a district"):
        demo()


def test_the_same_seed_gives_the_same_people_and_another_seed_others():
    first = people_of_a_demo("--seed", "7")
    assert people_of_a_demo("--seed", "7") == first
    assert people_of_a_demo("--seed", "8") != first
