"""Delivery channels. In-site messages are delivered by being stored; email goes through
Django's mail backends; SMS goes through a gateway named in ZHIYUAN_SMS_GATEWAY."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from zhiyuan.core import crypto
from zhiyuan.notifications.models import Message

logger = logging.getLogger(__name__)


class NoAddress(Exception):
    """The recipient has no address on this channel: the message is skipped, not failed."""


class SmsGateway(ABC):
    """Interface of an SMS gateway: send one text to one mainland mobile number."""

    @abstractmethod
    def send(self, *, phone: str, text: str) -> None: ...


class LoggingSmsGateway(SmsGateway):
    """The default gateway: writes the text to the log (no operator is contracted yet)."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s***: %s", phone[:3], text)


def deliver(message: Message, *, phone_for) -> None:
    """Send one message on its channel; raise NoAddress when there is nowhere to send it."""
    if message.channel == Message.Channel.SITE:
        return
    if message.channel == Message.Channel.EMAIL:
        if not message.recipient.email:
            raise NoAddress
        send_mail(
            message.subject,
            f"{message.body}\n\n{message.link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient.email],
        )
        return
    if message.recipient_id is None:
        phone = crypto.decrypt(message.phone_encrypted)
    else:
        phone = phone_for(message.recipient)
    if not phone:
        raise NoAddress
    send_sms(phone=phone, text=f"{message.subject}：{message.body}"[:300])


def send_sms(*, phone: str, text: str) -> None:
    """One text to one mobile number through the configured gateway (ZHIYUAN_SMS_GATEWAY)."""
    import_string(settings.SMS_GATEWAY)().send(phone=phone, text=text)
