"""Signed-in pages kept per user (core.pagecache.private_page) never show a stale private figure:
every write shows on the next request, and nobody gets another's page."""

import re

from django.test import Client

from zhiyuan.accounts.models import BrowserSession as Session
from zhiyuan.accounts.models import Role, RoleGrant, User
from zhiyuan.accounts.services import issue_api_token, revoke_api_token
from zhiyuan.notifications.services import notify
from zhiyuan.testing.factories import id_number, record
from zhiyuan.volunteers.services import register_volunteer

TOTAL = re.compile(r'id="total-hours">([0-9.]+)<')


def total_on(client: Client) -> str:
    match = TOTAL.search(client.get("/service/hours/").content.decode())
    assert match, "my hours shows no total"
    return match.group(1)


def test_a_second_visit_runs_no_query(served, client_for, django_assert_num_queries):
    gina = client_for(served.gina.user)
    first = gina.get("/service/hours/")
    # The session and the user are checked on every request, against their tables' stamps.
    with django_assert_num_queries(0):
        second = gina.get("/service/hours/")
    assert second.status_code == 200
    assert second.content.count(b"csrfmiddlewaretoken") == first.content.count(
        b"csrfmiddlewaretoken"
    )


def test_hours_approved_in_the_queue_show_on_the_next_visit(served, client_for):
    gina, carol = client_for(served.gina.user), client_for(served.carol_user)
    pending = record(served, served.gina, hours="1.50", days=3, state="pending")
    assert total_on(gina) == "5.50"
    assert f'data-id="{pending.pk}"' in carol.get("/service/queue/").content.decode()

    carol.post("/service/queue/", {"record": [pending.pk], "action": "approve"})

    assert total_on(gina) == "7.00"
    assert f'data-id="{pending.pk}"' not in carol.get("/service/queue/").content.decode()


def test_nobody_gets_another_users_kept_page(served, client_for):
    gina, carol = client_for(served.gina.user), client_for(served.carol_user)
    assert total_on(gina) == "5.50"
    assert total_on(carol) == "4.00"
    assert total_on(gina) == "5.50"


def test_a_signed_out_session_gets_no_kept_page(served, client_for):
    gina = client_for(served.gina.user)
    assert total_on(gina) == "5.50"

    gina.post("/accounts/logout/")

    answer = gina.get("/service/hours/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_new_message_shows_in_the_navigation_on_the_next_page(served, client_for):
    gina = client_for(served.gina.user)
    badge = re.compile(r'id="nav-messages">[^<]*<span class="badge pending">(\d+)<')
    before = badge.search(gina.get("/projects/mine/").content.decode())

    notify(
        recipient=served.gina.user,
        kind="test",
        key="private-pages-test",
        subject="换岗通知",
        body="…",
        channels=["site"],
    )

    after = badge.search(gina.get("/projects/mine/").content.decode())
    assert after and int(after.group(1)) == (int(before.group(1)) if before else 0) + 1


def test_a_new_office_role_shows_the_manage_menu_on_the_next_page(cast, client_for):
    erin = client_for(cast.erin)
    assert 'id="nav-manage"' not in erin.get("/messages/").content.decode()

    RoleGrant.objects.create(user=cast.erin, role=Role.DISTRICT_ADMIN, region=cast.sub_b)

    assert 'id="nav-manage"' in erin.get("/messages/").content.decode()


def test_a_registered_volunteer_shows_in_the_roster_and_its_total_on_the_next_visit(
    cast, client_for
):
    alice = client_for(cast.alice)
    count = re.compile(r"(\d+) volunteers")
    first = alice.get("/volunteers/manage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "王新人" not in first

    register_volunteer(
        actor=cast.alice,
        real_name="王新人",
        id_type="resident_id",
        id_number=id_number(90),
        phone="13800000090",
        community_id=cast.b1.pk,
        consent=True,
    )

    second = alice.get("/volunteers/manage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "王新人" in second
    assert int(count.search(second).group(1)) == int(count.search(first).group(1)) + 1
    api = alice.get("/api/v1/volunteers").json()
    assert api["count"] == int(count.search(second).group(1))


def test_a_revoked_token_gets_no_kept_roster(cast):
    token, key = issue_api_token(actor=cast.alice)
    caller = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert caller.get("/api/v1/volunteers").status_code == 200
    assert caller.get("/api/v1/volunteers").status_code == 200

    revoke_api_token(actor=cast.alice, token=token)

    assert caller.get("/api/v1/volunteers").status_code == 401


def test_an_office_admin_of_a_subdistrict_never_gets_the_district_roster(cast, client_for):
    alice, bob = client_for(cast.alice), client_for(cast.bob)
    assert "李大卫" in alice.get("/volunteers/manage/").content.decode()  # 南营门 (sub_b)
    assert "李大卫" not in bob.get("/volunteers/manage/").content.decode()  # bob runs sub_a
    assert (
        alice.get("/api/v1/volunteers").json()["count"]
        != bob.get("/api/v1/volunteers").json()["count"]
    )


def test_a_session_ended_elsewhere_is_refused_on_the_next_request(served, client_for):
    gina = client_for(served.gina.user)
    assert total_on(gina) == "5.50"

    Session.objects.all().delete()  # as a sign-out served by another process does

    answer = gina.get("/service/hours/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_new_password_or_a_closed_account_ends_the_old_sessions_at_once(served, client_for):
    gina, carol = client_for(served.gina.user), client_for(served.carol_user)
    assert total_on(gina) == "5.50" and total_on(carol) == "4.00"

    served.gina.user.set_password("a-new-secret-2026")
    served.gina.user.save()
    User.objects.filter(pk=served.carol_user.pk).update(is_active=False)

    assert gina.get("/service/hours/").status_code == 302
    assert carol.get("/service/hours/").status_code == 302


def test_a_user_with_nothing_to_approve_sees_an_empty_queue(cast, client_for):
    erin = client_for(cast.erin)  # manages no team: her queue's filter keeps no row
    page = erin.get("/service/queue/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Nothing waits for approval." in page.content.decode()
