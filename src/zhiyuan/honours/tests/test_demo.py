"""The demo step runs on a small district and leaves a roll, finalised rounds and an open round."""

import io
import random

from zhiyuan.demo.context import DemoContext
from zhiyuan.demo.honours import add_honours
from zhiyuan.honours import statistics
from zhiyuan.honours.models import Award, NominationRound


def test_demo_honours_fill_the_roll_and_open_this_years_round(honours):
    c = honours
    ctx = DemoContext(rng=random.Random(7), stdout=io.StringIO(), volunteer_count=4)
    ctx.district, ctx.office_admin = c.district, c.alice
    add_honours(ctx)
    levels = set(Award.objects.values_list("level", flat=True))
    assert {"city", "national", "district"} <= levels
    assert (
        Award.objects.filter(
            kind__code="outstanding_project", rank="三等奖", level="national"
        ).count()
        == 1
    )
    finalised = NominationRound.objects.filter(state="finalised")
    assert finalised.count() >= 3
    assert all(r.awards.count() == r.nominations.filter(state="awarded").count() for r in finalised)
    assert NominationRound.objects.filter(state="open", year=ctx.today.year).count() == 1
    total = statistics.figures(
        ctx.today.replace(year=1990), ctx.today.replace(year=ctx.today.year + 1)
    )
    assert total["awards"] == Award.objects.count()
