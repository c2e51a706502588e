"""Matching runs end to end on a small case, and proposals confirmed, swapped and dropped."""

import datetime as dt
import html
import re

from django.utils import timezone

from zhiyuan.helpdesk import proposals, workflow
from zhiyuan.helpdesk.models import Assignment, MatchRun, Proposal
from zhiyuan.notifications.models import Message
from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp
from zhiyuan.testing.factories import at, submit

API = "/api/v1"


def verified(desk, **kw):
    request = submit(desk, **kw)
    workflow.verify_request(actor=desk.alice, request=request)
    return request


def run(client, desk, region, captured, **kw):
    with captured(execute=True):
        response = client.post(
            f"{API}/match-runs",
            {"region_id": region.pk, **kw},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    return MatchRun.objects.get(pk=response.json()["id"])


def test_run_proposes_the_nearby_volunteer_and_confirm_assigns(
    desk, client_for, django_capture_on_commit_callbacks
):
    request = verified(desk)
    bob = client_for(desk.bob)
    match = run(bob, desk, desk.sub_a, django_capture_on_commit_callbacks, include_shifts=False)
    assert match.status == "done" and match.demand_count == 1
    proposal = Proposal.objects.get(run=match)
    # carol and frank live in A1 near the request; both are eligible, one is proposed
    assert proposal.volunteer in (desk.carol, desk.frank)
    listed = bob.get(f"{API}/match-runs/{match.pk}/proposals").json()
    assert listed[0]["reasons"] and all(r["text"] for r in listed[0]["reasons"])
    with django_capture_on_commit_callbacks(execute=False):
        response = bob.post(f"{API}/proposals/{proposal.pk}/confirm")
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    request.refresh_from_db()
    assert request.status == "matched"
    assert Assignment.objects.get(request=request).volunteer == proposal.volunteer
    assert Message.objects.filter(recipient=proposal.volunteer.user, kind="help_matched").exists()
    again = bob.post(f"{API}/proposals/{proposal.pk}/confirm")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_busy_volunteer_is_not_proposed_twice_at_the_same_time(
    desk, client_for, django_capture_on_commit_callbacks
):
    first = verified(desk)
    workflow.assign_volunteer(actor=desk.alice, request=first, volunteer=desk.carol)
    verified(desk)  # the same time
    match = run(
        client_for(desk.alice),
        desk,
        desk.a1,
        django_capture_on_commit_callbacks,
        include_shifts=False,
    )
    assert [p.volunteer for p in match.proposals.all()] == [desk.frank]


def test_swap_refuses_a_far_volunteer_with_reasons_and_accepts_an_eligible_one(
    desk, client_for, django_capture_on_commit_callbacks
):
    verified(desk)
    bob = client_for(desk.bob)
    match = run(bob, desk, desk.sub_a, django_capture_on_commit_callbacks, include_shifts=False)
    proposal = match.proposals.get()
    other = desk.frank if proposal.volunteer == desk.carol else desk.carol
    far = bob.post(
        f"{API}/proposals/{proposal.pk}/swap",
        {"volunteer_no": desk.gina.volunteer_no},  # lives in B1, about 9 km away
        content_type="application/json",
    )
    assert far.status_code == 409 and far.json()["code"] == "not_eligible"
    proposal.refresh_from_db()
    assert proposal.volunteer != desk.gina
    swapped = bob.post(
        f"{API}/proposals/{proposal.pk}/swap",
        {"volunteer_no": other.volunteer_no},
        content_type="application/json",
    )
    assert swapped.status_code == 200 and swapped.json()["volunteer_no"] == other.volunteer_no
    dropped = bob.post(f"{API}/proposals/{proposal.pk}/drop")
    assert dropped.json()["state"] == "dropped"
    assert not Assignment.objects.exists()


def test_sibling_admin_cannot_run_or_decide_in_another_subdistrict(
    desk, client_for, django_capture_on_commit_callbacks
):
    verified(desk)
    match = run(
        client_for(desk.alice),
        desk,
        desk.sub_a,
        django_capture_on_commit_callbacks,
        include_shifts=False,
    )
    proposal = match.proposals.get()
    bob = client_for(desk.bob)
    refused = bob.post(
        f"{API}/match-runs", {"region_id": desk.sub_b.pk}, content_type="application/json"
    )
    assert refused.status_code == 403
    erin = client_for(desk.erin)
    assert erin.post(f"{API}/proposals/{proposal.pk}/confirm").status_code == 404
    assert erin.get(f"{API}/match-runs/{match.pk}").status_code == 404


def open_shift(desk, organiser=None) -> Shift:
    """A published project (of squad_1a by default) with one shift in three days at the A1
    station."""
    project = Project.objects.create(
        name="敬老",
        category=Category.objects.first(),
        organiser=organiser or desk.squad_1a,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        state="published",
    )
    activity = Activity.objects.create(
        project=project,
        title="敬老",
        station=desk.station_a1,
        starts_at=at(3, 9),
        ends_at=at(3, 11),
    )
    return Shift.objects.create(
        activity=activity, role="陪伴", starts_at=at(3, 9), ends_at=at(3, 11), capacity=1
    )


def test_shift_proposal_signs_up_through_projects(
    desk, client_for, django_capture_on_commit_callbacks
):
    shift = open_shift(desk)
    alice = client_for(desk.alice)
    match = run(alice, desk, desk.a1, django_capture_on_commit_callbacks, include_requests=False)
    proposal = match.proposals.get(shift=shift)
    response = alice.post(f"{API}/proposals/{proposal.pk}/confirm")
    assert response.status_code == 200
    assert SignUp.objects.get(shift=shift).volunteer == proposal.volunteer


def test_recommended_lists_eligible_requests_and_volunteer_accepts(desk, client_for):
    near = verified(desk)
    far = verified(desk, community=desk.b1, latitude=None, longitude=None)
    carol = client_for(desk.carol_user)
    page = carol.get("/help/recommended/")
    items = page.context["items"]
    assert [i["object"].pk for i in items if i["kind"] == "help"] == [near.pk]
    assert far.pk not in [i["object"].pk for i in items]
    response = carol.post(f"/help/requests/{near.pk}/accept/")
    assert response.status_code == 302
    near.refresh_from_db()
    assert near.status == "matched"
    assert "my-requests" in carol.get("/help/recommended/").content.decode()


def test_recommended_shift_links_to_a_page_where_the_volunteer_signs_up(desk, client_for):
    # Another team's project: carol signs up there but does not organise it.
    shift = open_shift(desk, organiser=desk.squad_1b)
    carol = client_for(desk.carol_user)
    page = carol.get("/help/recommended/").content.decode()
    link = re.search(r'<li class="recommendation shift">.*?<a href="([^"]+)"', page, re.S)
    assert link, page
    shown = carol.get(html.unescape(link.group(1)))
    assert shown.status_code == 200
    assert [s.pk for s in shown.context["shifts"]] == [shift.pk]
    assert f'action="/projects/shifts/{shift.pk}/signup/"' in shown.content.decode()


def test_reason_text_is_translated_by_code():
    from django.utils import translation

    with translation.override("en"):
        assert proposals.reason_text("fit_distance", {"km": 1.234}) == "1.2 km away"
    with translation.override("zh-hans"):
        assert "1.2" in proposals.reason_text("fit_distance", {"km": 1.234})
        assert proposals.reason_text("fit_distance", {"km": 1.234}) != "1.2 km away"
    assert proposals.reason_text("unknown_code", {}) == "unknown_code"


def test_volunteer_without_account_is_signed_up_and_told_by_sms(
    desk, client_for, django_capture_on_commit_callbacks
):
    project = Project.objects.create(
        name="文明礼让",
        category=Category.objects.first(),
        organiser=desk.squad_1a,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        state="published",
    )
    activity = Activity.objects.create(
        project=project,
        title="路口引导",
        station=desk.station_a1,
        starts_at=at(3, 9),
        ends_at=at(3, 11),
    )
    shift = Shift.objects.create(
        activity=activity, role="引导", starts_at=at(3, 9), ends_at=at(3, 11), capacity=1
    )
    verified(desk)
    from zhiyuan.volunteers.models import Volunteer

    Volunteer.objects.filter(pk__in=[desk.carol.pk, desk.frank.pk]).update(user=None)
    alice = client_for(desk.alice)
    match = run(alice, desk, desk.a1, django_capture_on_commit_callbacks)
    assert match.proposals.filter(help_request__isnull=False).exists()
    page = alice.get(f"/help/matching/{match.pk}/?kind=shift")
    assert "无账户：短信通知" in page.content.decode()
    proposal = match.proposals.get(shift=shift)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/help/proposals/{proposal.pk}/confirm/", {"next": "?kind=shift"})
    assert response.status_code == 302 and response["Location"].endswith("?kind=shift")
    signup = SignUp.objects.get(shift=shift)
    assert signup.volunteer == proposal.volunteer and signup.state == "confirmed"
    sms = Message.objects.get(kind="signup_confirmed", recipient=None)
    assert sms.channel == "sms" and sms.status == "sent" and sms.phone_encrypted
    flash = [str(m) for m in alice.get(response["Location"]).context["messages"]]
    assert any(proposal.volunteer.real_name in m and "短信" in m for m in flash), flash


def test_a_detachment_admin_lists_the_runs_he_may_open(desk, client_for):
    """det_1 is district-wide: frank may run and open a run in subdistrict A, and his list of
    runs shows it (it did not: the list knew only offices and the run's creator)."""
    theirs = MatchRun.objects.create(region=desk.sub_a, created_by=desk.bob)
    frank, gina = client_for(desk.frank.user), client_for(desk.gina.user)
    assert frank.get(f"{API}/match-runs/{theirs.pk}").status_code == 200
    assert [r["id"] for r in frank.get(f"{API}/match-runs").json()] == [theirs.pk]
    assert gina.get(f"{API}/match-runs").json() == []
