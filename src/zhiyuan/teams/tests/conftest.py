"""A corps tree over the shared cast:

总队 corps (district)
├── 支队 det_1 (district)      admin: frank
│   ├── 分队 squad_1a (A1)      admin: carol
│   │   └── 小组 group_1a (A1)
│   └── 分队 squad_1b (A2)      join mode: open
└── 支队 det_2 (district)
    └── 分队 squad_2a (B1)      join mode: invitation
"""

import datetime as dt

import pytest

from conftest import PASSWORD, id_number
from zhiyuan.accounts.models import User
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.services import approve_volunteer, register_volunteer


def make_volunteer(cast, username, n, community, *, name):
    user = User(username=username)
    user.set_password(PASSWORD)
    user.save()
    volunteer = register_volunteer(
        actor=user,
        real_name=name,
        id_type="resident_id",
        id_number=id_number(n, birth=dt.date(1980, 3, 3)),
        phone=f"1350000{n:04d}",
        community_id=community.pk,
        consent=True,
    )
    approve_volunteer(actor=cast.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    return volunteer


@pytest.fixture
def corps(cast):
    def team(name, level, parent, region, join_mode=Team.JoinMode.APPROVAL):
        t = Team.objects.create(
            name=name,
            level=level,
            parent=parent,
            region=region,
            kind="community",
            join_mode=join_mode,
            path="",
        )
        t.path = f"{parent.path if parent else '/'}{t.pk}/"
        t.save(update_fields=["path"])
        return t

    c = cast
    c.corps = team("学雷锋志愿服务总队", "corps", None, c.district)
    c.det_1 = team("文明办支队", "detachment", c.corps, c.district)
    c.det_2 = team("卫健委支队", "detachment", c.corps, c.district)
    c.squad_1a = team("新兴社区分队", "squad", c.det_1, c.a1)
    c.squad_1b = team("朝阳社区分队", "squad", c.det_1, c.a2, Team.JoinMode.OPEN)
    c.squad_2a = team("南营门社区分队", "squad", c.det_2, c.b1, Team.JoinMode.INVITATION)
    c.group_1a = team("助老小组", "group", c.squad_1a, c.a1)
    c.teams = {
        name: getattr(c, name)
        for name in ("corps", "det_1", "det_2", "squad_1a", "squad_1b", "squad_2a", "group_1a")
    }

    c.frank = make_volunteer(c, "frank", 700, c.a1, name="冯支队")
    Membership.objects.create(
        team=c.det_1, volunteer=c.frank, role="admin", state="active", joined_at=c.frank.created_at
    )
    Membership.objects.create(
        team=c.squad_1a,
        volunteer=c.carol,
        role="admin",
        state="active",
        joined_at=c.carol.created_at,
    )
    c.gina = make_volunteer(c, "gina", 701, c.b1, name="葛志愿")
    return c


def member(team, volunteer, state="active", role="member"):
    return Membership.objects.create(team=team, volunteer=volunteer, state=state, role=role)
