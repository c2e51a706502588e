"""Seed the topology test's database: a district, an office admin, a volunteer and a shift.

Run as a script with the app instances' environment; prints the ids the test needs as JSON.
"""

import datetime as dt
import json

import django

django.setup()

from django.utils import timezone  # noqa: E402

from zhiyuan.accounts.models import Role, RoleGrant, User  # noqa: E402
from zhiyuan.places.models import Region  # noqa: E402
from zhiyuan.projects.models import Activity, Category, Project, Shift  # noqa: E402
from zhiyuan.stations.models import Station  # noqa: E402
from zhiyuan.teams.models import Team  # noqa: E402
from zhiyuan.volunteers.idcard import generate_gb11643  # noqa: E402
from zhiyuan.volunteers.services import approve_volunteer, register_volunteer  # noqa: E402

PASSWORD = "topology-horse-battery-7"  # noqa: S105


def region(code, name, level, parent=None):
    r = Region(code=code, name=name, level=level, parent=parent, population=5000)
    r.path = r.build_path()
    r.save()
    return r


district = region("120199000000", "示范区", "district")
sub = region("120199001000", "新兴街道", "subdistrict", district)
community = region("120199001001", "新兴社区", "community", sub)
admin = User(username="office", full_name="区办")
admin.set_password(PASSWORD)
admin.save()
RoleGrant.objects.create(user=admin, role=Role.DISTRICT_ADMIN, region=district)
user = User(username="walker")
user.set_password(PASSWORD)
user.save()
volunteer = register_volunteer(
    actor=user,
    real_name="张志愿",
    id_type="resident_id",
    id_number=generate_gb11643("120101", dt.date(1990, 5, 17), 1),
    phone="13800000001",
    community_id=community.pk,
    consent=True,
)
approve_volunteer(actor=admin, volunteer=volunteer)
team = Team.objects.create(
    name="新兴社区分队", level="squad", region=community, kind="community", path=""
)
team.path = f"/{team.pk}/"
team.save(update_fields=["path"])
station = Station.objects.create(
    name="新兴社区志愿服务站",
    kind="community",
    region=community,
    address="新兴街1号",
    latitude="39.120000",
    longitude="117.185000",
)
today = timezone.localdate()
tomorrow_8 = dt.datetime.combine(
    today + dt.timedelta(days=1), dt.time(8), tzinfo=timezone.get_current_timezone()
)
project = Project.objects.create(
    name="文明礼让日",
    category=Category.objects.get(code="civility_guidance"),
    organiser=team,
    starts_on=today - dt.timedelta(days=30),
    ends_on=today + dt.timedelta(days=365),
    state="published",
    description="每月12日公共文明引导",
)
activity = Activity.objects.create(
    project=project,
    title="文明礼让日",
    station=station,
    starts_at=tomorrow_8,
    ends_at=tomorrow_8 + dt.timedelta(hours=3),
)
shift = Shift.objects.create(
    activity=activity,
    role="义务指路",
    starts_at=tomorrow_8,
    ends_at=tomorrow_8 + dt.timedelta(hours=3),
    capacity=5,
)
print(json.dumps({"shift": shift.pk, "community": community.pk, "password": PASSWORD}))
