"""Demo help desk: about 400 service recipients and 1,200 help requests over the past year,
in every state of the workflow, with the volunteers who served and their service records.

Addresses and phones are encrypted as the services would; rows go in with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from zhiyuan.core import crypto
from zhiyuan.core.masking import mask_phone
from zhiyuan.helpdesk.models import (
    Assignment,
    HelpEvent,
    HelpKind,
    HelpRequest,
    Recipient,
    RecipientCategory,
    Urgency,
)
from zhiyuan.helpdesk.services import mask_address, new_tracking_code
from zhiyuan.helpdesk.workflow import default_team
from zhiyuan.service.models import ServiceRecord
from zhiyuan.service.services import refresh_total
from zhiyuan.volunteers.models import Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

RECIPIENTS = 400
REQUESTS = 1200
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "玉梅", "建国", "振华", "淑珍", "国强", "丽华", "德明", "凤英"]
STREETS = ["新兴路", "南营门街", "朝阳里", "和平路", "友谊路", "体育馆路", "小白楼街"]
CATEGORY_WEIGHTS = {
    RecipientCategory.EMPTY_NEST_ELDERLY: 50,
    RecipientCategory.DISABLED: 20,
    RecipientCategory.FAMILY_IN_DIFFICULTY: 12,
    RecipientCategory.MIGRANT_WORKER: 10,
    RecipientCategory.LEFT_BEHIND_CHILD: 8,
}
TITLES = {
    HelpKind.COMPANIONSHIP: "上门陪伴聊天",
    HelpKind.ERRANDS: "代买米面菜",
    HelpKind.HOUSEHOLD: "打扫卫生",
    HelpKind.MEDICAL_ESCORT: "陪同去医院复查",
    HelpKind.REPAIR: "修理水龙头",
    HelpKind.TUTORING: "辅导孩子作业",
    HelpKind.LEGAL: "咨询讨薪",
    HelpKind.PSYCHOLOGY: "心理疏导",
    HelpKind.DISABILITY: "推轮椅出门晒太阳",
    HelpKind.OTHER: "帮忙办理手续",
}
S = HelpRequest.Status


def _phone(rng) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def _address(rng) -> str:
    return (
        f"{rng.choice(STREETS)}{rng.randint(1, 200)}号{rng.randint(1, 8)}门{rng.randint(101, 1802)}"
    )


def _status(rng, age_days: float) -> str:
    """Older requests are finished; recent ones spread over the open states."""
    if age_days > 14:
        return rng.choices([S.RATED, S.DONE, S.CANCELLED, S.REJECTED], weights=[60, 20, 12, 8])[0]
    return rng.choices(
        [S.SUBMITTED, S.VERIFIED, S.MATCHED, S.IN_SERVICE, S.DONE, S.CANCELLED],
        weights=[20, 25, 20, 10, 20, 5],
    )[0]


def add_help_requests(ctx: DemoContext) -> None:
    rng, now = ctx.rng, ctx.now
    communities = ctx.communities
    if not communities:
        return
    admin = ctx.office_admin
    cipher = crypto.field_cipher()
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())

    recipients = []
    for _i in range(RECIPIENTS):
        community = rng.choice(communities)
        address, phone = _address(rng), _phone(rng)
        point = ctx.community_points.get(community.pk)
        recipients.append(
            Recipient(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                category=rng.choices(categories, weights=weights)[0],
                community=community,
                address_encrypted=cipher.encrypt(address),
                address_masked=mask_address(address),
                latitude=Decimal(f"{point[1] + rng.uniform(-0.004, 0.004):.6f}") if point else None,
                longitude=Decimal(f"{point[0] + rng.uniform(-0.004, 0.004):.6f}")
                if point
                else None,
                needs="定期探访，代购生活用品",
                health_encrypted=cipher.encrypt(
                    rng.choice(["高血压", "行动不便", "听力障碍", "糖尿病"])
                ),
                contact_name=rng.choice(SURNAMES) + "先生",
                phone_encrypted=cipher.encrypt(phone),
                phone_masked=mask_phone(phone),
                consent=True,
                consented_at=now - dt.timedelta(days=rng.randint(30, 365)),
                created_by=admin,
            )
        )
    Recipient.objects.bulk_create(recipients, batch_size=ctx.batch_size)
    by_community: dict[int, list[Recipient]] = defaultdict(list)
    for recipient in Recipient.objects.filter(created_by=admin).only(
        "pk", "community_id", "category"
    ):
        by_community[recipient.community_id].append(recipient)

    volunteers: dict[int, list[int]] = defaultdict(list)
    for pk, community_id in Volunteer.objects.filter(status="active").values_list(
        "pk", "community_id"
    ):
        volunteers[community_id].append(pk)
    teams = {c.pk: default_team(c) for c in communities}

    requests, plans = [], []
    for _i in range(REQUESTS):
        community = rng.choice(communities)
        recipient = rng.choice(by_community[community.pk]) if by_community[community.pk] else None
        age_days = rng.uniform(0, 365)
        submitted = now - dt.timedelta(days=age_days)
        status = _status(rng, age_days)
        start = (submitted + dt.timedelta(days=rng.randint(1, 5))).replace(
            hour=rng.choice([9, 10, 14, 15]), minute=0, second=0, microsecond=0
        )
        if status in (S.SUBMITTED, S.VERIFIED, S.MATCHED) and start < now:
            start = (now + dt.timedelta(days=rng.randint(1, 10))).replace(
                hour=9, minute=0, second=0, microsecond=0
            )
        if status == S.IN_SERVICE:
            start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
        kind = rng.choice(list(HelpKind))
        weekly = rng.random() < 0.15
        address, phone = _address(rng), _phone(rng)
        team = teams[community.pk]
        point = ctx.community_points.get(community.pk)
        finished = start + dt.timedelta(hours=3) if status in (S.DONE, S.RATED) else None
        if status in (S.CANCELLED, S.REJECTED):
            finished = submitted + dt.timedelta(days=1)
        requests.append(
            HelpRequest(
                code=new_tracking_code(),
                kind=kind,
                title=TITLES[kind],
                category=recipient.category if recipient else RecipientCategory.OTHER,
                recipient=recipient,
                community=community,
                address_encrypted=cipher.encrypt(address),
                address_masked=mask_address(address),
                latitude=Decimal(f"{point[1] + rng.uniform(-0.004, 0.004):.6f}") if point else None,
                longitude=Decimal(f"{point[0] + rng.uniform(-0.004, 0.004):.6f}")
                if point
                else None,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                repeat=HelpRequest.Repeat.WEEKLY if weekly else HelpRequest.Repeat.ONCE,
                repeat_until=(start + dt.timedelta(weeks=3)).date() if weekly else None,
                urgency=rng.choices(list(Urgency), weights=[30, 60, 10])[0],
                # One recipient is one person served; a request without one (a neighbour's
                # call) may cover a couple.
                persons_served=1 if recipient else rng.choice([1, 1, 2]),
                contact_name=rng.choice(SURNAMES) + "女士",
                phone_encrypted=cipher.encrypt(phone),
                phone_masked=mask_phone(phone),
                known_risks=rng.choice(["", "", "家中有狗", "楼内无电梯"]),
                truth_confirmed=True,
                status=status,
                status_reason={S.CANCELLED: "家属已解决", S.REJECTED: "不属于志愿服务范围"}.get(
                    status, ""
                ),
                team=team if status not in (S.SUBMITTED, S.REJECTED) else None,
                verified_by=admin if status not in (S.SUBMITTED, S.REJECTED) else None,
                verified_at=submitted + dt.timedelta(hours=6)
                if status not in (S.SUBMITTED, S.REJECTED)
                else None,
                finished_at=finished,
                rating=rng.choices([5, 4, 3], weights=[75, 20, 5])[0]
                if status == S.RATED
                else None,
                rated_at=finished + dt.timedelta(days=1) if status == S.RATED else None,
                submitted_at=submitted,
            )
        )
        plans.append(status)
    HelpRequest.objects.bulk_create(requests, batch_size=ctx.batch_size)

    events, assignments, records = [], [], []
    for request in requests:
        events.append(HelpEvent(request=request, to_status=S.SUBMITTED, note="", by_requester=True))
        if request.status != S.SUBMITTED:
            events.append(
                HelpEvent(
                    request=request,
                    from_status=S.SUBMITTED,
                    to_status=request.status,
                    actor=admin,
                    note=request.status_reason,
                )
            )
        pool = volunteers.get(request.community_id)
        if request.status in (S.MATCHED, S.IN_SERVICE, S.DONE, S.RATED) and pool and request.team:
            volunteer_id = rng.choice(pool)
            record = None
            if request.status in (S.DONE, S.RATED):
                visits = len(request.occurrences())
                record = ServiceRecord(
                    volunteer_id=volunteer_id,
                    team=request.team,
                    served_on=request.starts_at.date(),
                    hours=Decimal(2 * visits),
                    persons_served=request.persons_served,
                    content=f"{HelpKind(request.kind).label} · {request.title}",
                    source=ServiceRecord.Source.ENTERED,
                    state=ServiceRecord.State.APPROVED,
                    recorded_by=admin,
                    decided_by=admin,
                    decided_at=request.finished_at,
                    reason=f"Help request {request.code}",
                )
                records.append(record)
            assignments.append((request, volunteer_id, record))
    HelpEvent.objects.bulk_create(events, batch_size=ctx.batch_size)
    ServiceRecord.objects.bulk_create(records, batch_size=ctx.batch_size)
    Assignment.objects.bulk_create(
        [
            Assignment(request=r, volunteer_id=v, assigned_by=admin, record=rec)
            for r, v, rec in assignments
        ],
        batch_size=ctx.batch_size,
    )
    for volunteer_id in {rec.volunteer_id for rec in records}:
        refresh_total(volunteer_id)
    ctx.say(
        f"help desk: {len(recipients)} recipients, {len(requests)} requests, "
        f"{len(records)} service records from done requests"
    )
