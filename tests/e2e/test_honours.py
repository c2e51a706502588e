"""Honours journeys in a real browser.

- the office admin opens a nomination round, lets the rules propose candidates, a
  detachment admin nominates one of its own, the office approves it and finalises the
  round, which publishes the awards on the honour roll;
- a visitor reads the roll on a phone, filtered by year and award.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhiyuan.honours.models import Award, NominationRound
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_office_runs_a_round_and_a_visitor_reads_the_roll_on_a_phone(
    new_page,
    sign_in,
    honours,  # noqa: F811
):
    c = honours
    kind = c.kinds["outstanding_volunteer"]
    alice = new_page()
    sign_in(alice, "alice", PASSWORD)

    alice.goto("/honours/rounds/")
    alice.locator("#open-round").click()
    form = alice.locator("#round-form")
    form.locator("#id_kind").select_option(str(kind.pk))
    form.locator("#id_year").fill(str(c.year))
    form.locator("#id_level").select_option("district")
    form.locator("#id_awarding_body").fill("区文明委")
    form.locator("#id_deadline").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    form.locator("#id_rule_min_hours").fill("20")
    form.locator("button[type=submit]").click()
    expect(alice).to_have_url(re.compile(r"/honours/rounds/\d+/$"))
    round_ = NominationRound.objects.get()
    expect(alice.locator("#round")).to_have_attribute("data-state", "open")

    # The rules propose carol (40 h, no no-shows, no rejected records).
    alice.locator("#propose").click()
    carol = alice.locator("article.nomination[data-state='shortlisted']")
    expect(carol).to_have_count(1)
    expect(carol.locator("header strong")).to_have_text(c.carol.real_name)

    # frank, admin of 文明办支队, nominates himself for his detachment on his phone.
    frank = new_page(phone=True)
    sign_in(frank, "frank", PASSWORD)
    frank.goto(f"/honours/rounds/{round_.pk}/")
    nominate = frank.locator("#nominate-form")
    nominate.locator("#id_awardee").fill(c.frank.volunteer_no)
    nominate.locator("#id_reason").fill("支队骨干，常年带队文明引导")
    nominate.locator("#id_team").select_option(str(c.det_1.pk))
    nominate.locator("button[type=submit]").tap()
    expect(frank.locator("article.nomination[data-state='pending']")).to_have_count(1)
    # He cannot approve it himself: the 总队 / office decides.
    expect(frank.locator("article.nomination button.approve")).to_have_count(0)

    alice.reload()
    pending = alice.locator("article.nomination[data-state='pending']")
    pending.locator("button.approve").click()
    expect(alice.locator("article.nomination[data-state='shortlisted']")).to_have_count(2)

    alice.locator("#finalise").click()
    expect(alice).to_have_url(re.compile(rf"/honours/\?year={c.year}&kind={kind.code}$"))
    expect(alice.locator("#roll article.award-card")).to_have_count(2)
    assert set(Award.objects.values_list("volunteer_id", flat=True)) == {c.carol.pk, c.frank.pk}

    # A visitor on a phone reads the roll, filtered by year and award.
    visitor = new_page(phone=True)
    visitor.goto("/honours/")
    expect(visitor.locator("#roll article.award-card")).to_have_count(2)
    visitor.locator("#id_year").select_option(str(c.year))
    visitor.locator("#id_kind").select_option(kind.code)
    visitor.locator("#roll-filters button[type=submit]").tap()
    expect(visitor).to_have_url(re.compile(rf"year={c.year}"))
    cards = visitor.locator("#roll article.award-card")
    expect(cards).to_have_count(2)
    names = sorted(cards.locator(".awardee").all_inner_texts())
    assert names == sorted([c.carol.real_name, c.frank.real_name])
    # Mobile first: nothing wider than the phone's screen.
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    # Only years with honours are offered; a name that matches nobody shows the empty state.
    visitor.locator("#roll-q").fill("无此人")
    visitor.locator("#roll-filters button[type=submit]").tap()
    expect(visitor.locator("#roll article.award-card")).to_have_count(0)
    expect(visitor.locator("#roll .empty")).to_be_visible()
