"""The inbox: opening it shows the new messages and writes nothing; the page then marks the
ones it showed read (an htmx POST) and the navigation's badge shows what is left."""

import pytest

from zhiyuan.notifications.models import Message
from zhiyuan.notifications.services import notify

pytestmark = pytest.mark.django_db


def _message(user, key: str) -> Message:
    (message,) = notify(
        recipient=user, kind="test", key=key, subject=key, body="…", channels=["site"]
    )
    return message


def test_opening_the_inbox_writes_nothing_and_the_page_marks_what_it_showed(cast, client_for):
    shown, other = _message(cast.erin, "one"), _message(cast.erin, "two")
    someone_elses = _message(cast.alice, "three")
    client = client_for(cast.erin)

    page = client.get("/messages/")
    assert page.context["unread"] == {shown.pk, other.pk}
    assert 'id="mark-shown-read"' in page.content.decode()
    mine = [shown.pk, other.pk, someone_elses.pk]
    assert Message.objects.filter(pk__in=mine, read_at__isnull=True).count() == 3

    answer = client.post(
        "/messages/read/",
        {"message": [shown.pk, someone_elses.pk]},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    badge = answer.content.decode()
    assert 'id="nav-messages" hx-swap-oob="true"' in badge and ">1</span>" in badge
    unread = set(
        Message.objects.filter(pk__in=mine, read_at__isnull=True).values_list("pk", flat=True)
    )
    assert unread == {other.pk, someone_elses.pk}


def test_mark_all_read_still_marks_everything_and_goes_back(cast, client_for):
    _message(cast.erin, "one"), _message(cast.erin, "two")
    response = client_for(cast.erin).post("/messages/read/")
    assert response.status_code == 302
    assert not Message.objects.filter(recipient=cast.erin, read_at__isnull=True).exists()


def test_a_named_message_that_cannot_be_a_row_is_passed_over(cast, client_for):
    # A 20-digit number failed in the driver (pk__in) and "²" in int(): both were a 500.
    shown, other = _message(cast.erin, "one"), _message(cast.erin, "two")
    response = client_for(cast.erin).post(
        "/messages/read/", {"message": [shown.pk, "99999999999999999999", "²", "-3"]}
    )
    assert response.status_code == 302
    unread = Message.objects.filter(recipient=cast.erin, read_at__isnull=True)
    assert list(unread.values_list("pk", flat=True)) == [other.pk]
