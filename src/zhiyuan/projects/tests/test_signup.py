"""Signing up for shifts: places, the waitlist, conditions, overlaps, cancelling, organisers."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection

from zhiyuan.notifications.models import Message
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.testing.factories import at

pytestmark = pytest.mark.django_db


def sign_up(client, shift):
    return client.post(f"/api/v1/shifts/{shift.pk}/signups")


def test_first_volunteer_gets_the_place_the_second_the_waitlist(plan, client_for):
    first = sign_up(client_for(plan.gina.user), plan.guide)
    second = sign_up(client_for(plan.dave_user), plan.guide)
    assert (first.status_code, first.json()["state"]) == (201, "confirmed")
    assert (second.status_code, second.json()["state"]) == (201, "waitlisted")


def test_cancelling_promotes_the_first_on_the_waitlist_and_tells_them(
    plan, client_for, django_capture_on_commit_callbacks
):
    gina = client_for(plan.gina.user)
    with django_capture_on_commit_callbacks(execute=True):
        signup_id = sign_up(gina, plan.guide).json()["id"]
        sign_up(client_for(plan.dave_user), plan.guide)
        response = gina.post(f"/api/v1/signups/{signup_id}/cancel")
    assert response.json()["state"] == "cancelled"
    dave = SignUp.objects.get(volunteer__user=plan.dave_user)
    assert dave.state == "confirmed"
    promoted = Message.objects.filter(recipient=plan.dave_user, kind="signup_promoted")
    assert set(promoted.values_list("channel", flat=True)) == {"site", "email", "sms"}
    assert promoted.get(channel="site").status == "sent"
    assert promoted.get(channel="email").status == "skipped"  # dave2 has no email address
    assert promoted.get(channel="sms").status == "sent"


def test_notifications_are_delivered_only_after_commit(plan, client_for):
    sign_up(client_for(plan.gina.user), plan.guide)
    message = Message.objects.get(recipient=plan.gina.user, channel="site", kind="signup_confirmed")
    assert message.kind == "signup_confirmed"
    assert message.status == "pending"  # the test's transaction never commits


def test_email_goes_through_djangos_mail_backend(
    plan, client_for, django_capture_on_commit_callbacks
):
    plan.gina.user.email = "gina@example.org"
    plan.gina.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client_for(plan.gina.user), plan.guide)
    assert mail.outbox[0].to == ["gina@example.org"]
    assert "义务指路" in mail.outbox[0].body


def test_signing_up_twice_is_refused(plan, client_for):
    client = client_for(plan.gina.user)
    sign_up(client, plan.guide)
    response = sign_up(client, plan.guide)
    assert response.status_code == 409
    assert response.json()["code"] == "already_signed_up"


def test_overlapping_shifts_are_refused(plan, client_for):
    plan.rescue.required_skills.clear()
    Shift.objects.filter(pk=plan.rescue.pk).update(insurance_required=False)
    client = client_for(plan.gina.user)
    sign_up(client, plan.guide)
    response = sign_up(client, plan.rescue)
    assert response.status_code == 409
    assert response.json()["code"] == "overlapping_shift"


def test_a_shift_moved_onto_a_held_one_since_it_was_read_is_refused(plan):
    """The overlap is checked before the shift's lock, on the caller's copy of the shift;
    a shift moved meanwhile is checked again at its new time."""
    from zhiyuan.projects import signups

    plan.rescue.required_skills.clear()
    later = dict(starts_at=plan.guide.ends_at + dt.timedelta(hours=2))
    later["ends_at"] = later["starts_at"] + dt.timedelta(hours=1)
    Shift.objects.filter(pk=plan.rescue.pk).update(insurance_required=False, **later)
    signups.sign_up(actor=plan.gina.user, shift=plan.guide)
    read = Shift.objects.select_related("activity__project").get(pk=plan.rescue.pk)
    Shift.objects.filter(pk=plan.rescue.pk).update(  # moved onto the guide shift
        starts_at=plan.guide.starts_at, ends_at=plan.guide.ends_at
    )
    with pytest.raises(signups.Overlap):
        signups.sign_up(actor=plan.gina.user, shift=read)
    assert not SignUp.objects.filter(shift=plan.rescue, volunteer=plan.gina).exists()


def test_each_unmet_condition_is_named(plan, client_for):
    response = sign_up(client_for(plan.gina.user), plan.rescue)
    assert response.status_code == 403
    message = response.json()["message"]
    assert "应急救助" in message  # the missing skill
    assert response.json()["code"] == "not_eligible"
    assert not SignUp.objects.filter(shift=plan.rescue).exists()


def test_carol_with_the_skill_still_needs_insurance(plan, client_for):
    response = sign_up(client_for(plan.carol_user), plan.rescue)
    assert response.status_code == 403
    plan.carol.insured_until = at(30, 0).date()
    plan.carol.save(update_fields=["insured_until"])
    assert sign_up(client_for(plan.carol_user), plan.rescue).status_code == 201


def test_too_young_for_the_shift(plan, client_for):
    from zhiyuan.volunteers.models import Volunteer

    Volunteer.objects.filter(pk=plan.carol.pk).update(
        birth_date=at(1, 0).date() - dt.timedelta(days=365 * 16), insured_until=at(30, 0).date()
    )
    response = sign_up(client_for(plan.carol_user), plan.rescue)
    assert response.status_code == 403
    assert "18" in response.json()["message"]


def test_past_cancelled_and_draft_shifts_cannot_be_taken(plan, client_for):
    client = client_for(plan.gina.user)
    Shift.objects.filter(pk=plan.guide.pk).update(starts_at=at(-1, 8), ends_at=at(-1, 11))
    assert sign_up(client, plan.guide).json()["code"] == "shift_unavailable"
    Shift.objects.filter(pk=plan.guide.pk).update(
        starts_at=at(1, 8), ends_at=at(1, 11), status="cancelled"
    )
    assert sign_up(client, plan.guide).json()["code"] == "shift_unavailable"
    Shift.objects.filter(pk=plan.guide.pk).update(status="open")
    plan.project.state = "draft"
    plan.project.save()
    assert sign_up(client, plan.guide).status_code == 404  # a draft is not visible to volunteers
    assert not SignUp.objects.exists()


def test_organiser_removes_and_promotes_and_marks_no_show(plan, client_for):
    signup_id = sign_up(client_for(plan.gina.user), plan.guide).json()["id"]
    sign_up(client_for(plan.dave_user), plan.guide)
    carol = client_for(plan.carol_user)
    assert (
        carol.post(
            f"/api/v1/signups/{signup_id}/remove", {"reason": ""}, content_type="application/json"
        ).status_code
        == 400
    )
    removed = carol.post(
        f"/api/v1/signups/{signup_id}/remove",
        {"reason": "重复报名"},
        content_type="application/json",
    )
    assert removed.json()["state"] == "removed"
    dave = SignUp.objects.get(volunteer__user=plan.dave_user)
    assert dave.state == "confirmed"
    assert carol.post(f"/api/v1/signups/{dave.pk}/no-show").status_code == 409  # not started yet
    Shift.objects.filter(pk=plan.guide.pk).update(starts_at=at(-1, 8))
    assert carol.post(f"/api/v1/signups/{dave.pk}/no-show").json()["state"] == "no_show"


def test_raising_the_capacity_promotes_the_waitlist(plan, client_for):
    sign_up(client_for(plan.gina.user), plan.guide)
    sign_up(client_for(plan.dave_user), plan.guide)
    response = client_for(plan.carol_user).patch(
        f"/api/v1/shifts/{plan.guide.pk}", {"capacity": 2}, content_type="application/json"
    )
    assert response.json()["confirmed"] == 2
    lowered = client_for(plan.carol_user).patch(
        f"/api/v1/shifts/{plan.guide.pk}", {"capacity": 1}, content_type="application/json"
    )
    assert lowered.status_code == 409


def test_someone_elses_signup_cannot_be_cancelled(plan, client_for):
    signup_id = sign_up(client_for(plan.gina.user), plan.guide).json()["id"]
    assert client_for(plan.dave_user).post(f"/api/v1/signups/{signup_id}/cancel").status_code == 404


def test_sign_up_on_the_page_and_see_it_under_my_shifts(plan, client_for):
    client = client_for(plan.gina.user)
    page = client.get(f"/projects/{plan.project.pk}/").content.decode()
    assert 'class="sign-up"' in page
    client.post(f"/projects/shifts/{plan.guide.pk}/signup/")
    mine = client.get("/projects/mine/")
    assert [s.shift_id for s in mine.context["upcoming"]] == [plan.guide.pk]
    waiting = client_for(plan.dave_user)
    waiting.post(f"/projects/shifts/{plan.guide.pk}/signup/")
    assert waiting.get("/projects/mine/").context["waitlisted"][0].position == 1


def test_the_calendar_link_is_made_by_asking_never_by_opening_the_page(plan, client_for):
    from zhiyuan.projects.models import CalendarFeed

    client = client_for(plan.gina.user)
    page = client.get("/projects/mine/")
    assert page.context["feed_url"] is None and 'id="feed-create"' in page.content.decode()
    assert not CalendarFeed.objects.exists()
    assert client.post("/projects/mine/").status_code == 302
    feed = CalendarFeed.objects.get(volunteer=plan.gina)
    client.post("/projects/mine/")  # asking again keeps the same link
    assert CalendarFeed.objects.get().token == feed.token
    assert feed.token in client.get("/projects/mine/").context["feed_url"]


def test_calendar_feed(plan, client_for):
    client = client_for(plan.gina.user)
    sign_up(client, plan.guide)
    client.post("/projects/mine/")
    feed_url = client.get("/projects/mine/").context["feed_url"]
    response = client_for(None).get(feed_url.replace("http://testserver", ""))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "义务指路" in body
    assert client_for(None).get("/projects/calendar/not-a-token.ics").status_code == 404


def test_calendar_feed_is_in_shanghai_time_with_a_description_and_a_link(plan, client_for):
    import icalendar

    client = client_for(plan.gina.user)
    sign_up(client, plan.guide)
    client.post("/projects/mine/")
    feed_url = client.get("/projects/mine/").context["feed_url"]
    body = client_for(None).get(feed_url.replace("http://testserver", "")).content
    calendar = icalendar.Calendar.from_ical(body)
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert start == plan.guide.starts_at
    project = plan.guide.activity.project
    assert project.name in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/projects/{project.pk}/#shift-{plan.guide.pk}")
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'id="shift-{plan.guide.pk}"' in page


def test_reminders_go_to_tomorrows_volunteers_once(plan, client_for):
    from django.core.management import call_command

    sign_up(client_for(plan.gina.user), plan.guide)
    call_command("send_reminders")
    call_command("send_reminders")
    assert Message.objects.filter(kind="shift_reminder", channel="site").count() == 1


def test_a_sign_up_request_is_a_short_write(plan, client_for, django_assert_max_num_queries):
    # The session and the user; the shift with its project, the shift's skills; then the
    # transaction: the volunteer (read before it on SQLite, read and locked by one statement
    # on PostgreSQL), the locked shift with the places the volunteer holds at that time, the
    # sign-up (which counts the confirmed places as it is written), and its three messages
    # in one INSERT; the transaction's two statements here (a savepoint in the test's
    # transaction). There were 27 statements, 18 of them holding the lock, then 12 (13 on
    # PostgreSQL).
    client = client_for(plan.gina.user)
    with django_assert_max_num_queries(10):
        response = sign_up(client, plan.guide)
    assert (response.status_code, response.json()["state"]) == (201, "confirmed")
    assert Message.objects.filter(recipient=plan.gina.user, kind="signup_confirmed").count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's round trips")
def test_a_sign_up_locks_the_volunteer_and_the_shift_in_one_round_trip(plan, client_for):
    # The shift's statement (with the places the volunteer holds) goes to the server with the
    # volunteer's lock, in one pipeline, and runs once that lock is held; then the sign-up and
    # its messages.
    from zhiyuan.testing.queries import server_bound_statements

    client = client_for(plan.gina.user)
    with server_bound_statements() as sent:
        response = sign_up(client, plan.guide)
    assert response.status_code == 201
    # (Before the transaction: the session, the shift and its skills, read as the page reads them.)
    locking = sent.index(("volunteers_volunteer", True))
    assert sent[locking:] == [
        ("volunteers_volunteer", True),
        ("projects_shift", True),
        ("projects_signup", False),
        ("notifications_message", False),
    ]


def test_a_sign_up_compiles_none_of_its_queries_again(plan, client_for):
    # Building and compiling the SELECTs (the session, the user, the shift with its project,
    # team, region and station …) was about a third of a sign-up's CPU: core.prepared keeps
    # each compiled statement, so the next volunteer's sign-up compiles none of them.
    from zhiyuan.testing.queries import compiled_selects

    sign_up(client_for(plan.gina.user), plan.guide)
    dave = client_for(plan.dave_user)
    with compiled_selects() as compiled:
        response = sign_up(dave, plan.guide)
    assert (response.status_code, response.json()["state"]) == (201, "waitlisted")
    assert compiled == []
