"""Telling a volunteer something: in the site (and the user's channels) when they have an
account, else by SMS to the mobile number on the roster, since most never sign in."""

from __future__ import annotations

from zhiyuan.notifications.services import notify, text_phone
from zhiyuan.volunteers.models import Volunteer


def notify_volunteer(
    volunteer: Volunteer, *, kind: str, key: str, subject: str, body: str, link: str = ""
) -> None:
    if volunteer.user_id is not None:
        notify(recipient=volunteer.user, kind=kind, key=key, subject=subject, body=body, link=link)
        return
    text_phone(phone=volunteer.decrypted("phone"), kind=kind, key=key, subject=subject, body=body)
