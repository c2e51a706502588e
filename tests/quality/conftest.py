"""Quality gates' shared set-up: a compatibility shim between hypothesis and hypothesis-jsonschema.

hypothesis-jsonschema 0.23 (schemathesis 3.x's generator for JSON bodies) drives
`hypothesis.internal.conjecture.utils.many` through `.more()`; hypothesis 6.15x+ replaced that
with a context-manager iterator, so every object body fails with "'many' object has no
attribute 'more'". The shim gives it back `more()` built on the new class's own steps, until
the lead pins compatible versions (see the ops report).
"""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis.internal.conjecture import utils as cu


class _ManyWithMore(cu.many):
    def more(self) -> bool:
        if self._depth is None:
            self._depth = self.data.depth
        self._finish_element()
        if not self._decide():
            return False
        self.count += 1
        self._in_element = True
        self._rejected = False
        return True


if not hasattr(cu.many, "more"):
    import hypothesis_jsonschema._from_schema as from_schema

    from_schema.cu = SimpleNamespace(**{**vars(cu), "many": _ManyWithMore})


import datetime as dt  # noqa: E402 - the fixtures below, after the shim

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402


@pytest.fixture
def world(served, settings, tmp_path):
    """`served` plus a row or two in every newer app, so fuzzed ids reach real objects.

    A help request, a draft and a published article, a course with a session and an enrolment,
    an award, an open nomination round with one candidate, an uploaded roster and a yearly report.
    """
    from zhiyuan.honours import services as honours
    from zhiyuan.honours.models import AwardKind
    from zhiyuan.news.models import Column
    from zhiyuan.reports.access import default_scope
    from zhiyuan.reports.services import request_report
    from zhiyuan.spreadsheets.services import create_job
    from zhiyuan.testing.factories import (
        ensure_kinds,
        make_article,
        make_session,
        person_id,
        submit,
        xlsx,
    )
    from zhiyuan.training.models import Course, Enrolment
    from zhiyuan.volunteers.models import Skill

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    c = served
    c.help_request = submit(c)
    c.lei_feng = Column.objects.get(code="lei_feng")
    c.draft = make_article(c)
    c.published = make_article(c, title="志愿者故事", state="published")
    c.course = Course.objects.create(
        title="急救培训",
        kind=Course.Kind.SPECIALISED,
        hours="8.0",
        region=c.squad_1a.region,
        organiser=c.squad_1a,
        skill=Skill.objects.get(code="first_aid"),
        validity_months=24,
    )
    c.session = make_session(c.course, starts_at=timezone.now() + dt.timedelta(days=2))
    Enrolment.objects.create(session=c.session, volunteer=c.gina)
    ensure_kinds()
    kinds = {k.code: k for k in AwardKind.objects.all()}
    year = timezone.localdate().year - 1
    c.award = honours.create_award(
        actor=c.alice,
        kind=kinds["outstanding_volunteer"],
        awardee=c.gina,
        level="district",
        year=year,
        awarding_body="区文明委",
        awarded_on=dt.date(year, 12, 1),
    )
    c.round = honours.open_round(
        actor=c.alice,
        kind=kinds["outstanding_volunteer"],
        year=timezone.localdate().year,
        level="district",
        region=c.district,
        awarding_body="区文明委",
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    honours.add_candidate(actor=c.alice, round=c.round, awardee=c.carol, reason="服务时长突出")
    roster = xlsx([["姓名", "身份证号", "手机号"], ["张三", person_id(1), "13912345678"]])
    c.job = create_job(actor=c.alice, name="roster.xlsx", data=roster, consent_confirmed=True)
    c.report = request_report(actor=c.alice, scope=default_scope(c.alice), year=year)
    return c
