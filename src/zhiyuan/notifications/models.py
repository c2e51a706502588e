"""The outbox: one row per message and channel, written with the change it reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Channel(models.TextChoices):
        SITE = "site", _("In-site message")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (no address)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="messages",
        null=True,
        blank=True,
    )
    # An SMS to someone with no account (a roster volunteer who never signs in): the number,
    # encrypted like every stored phone; empty when the message goes to `recipient`.
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    # Makes enqueueing idempotent: the same event never produces the same message twice.
    dedupe_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "-id"], name="message_inbox"),
            models.Index(fields=["status", "id"], name="message_outbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(phone_encrypted=""),
                name="message_has_address",
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient if self.recipient_id else _("a mobile number")
        return f"{self.get_channel_display()} → {to}: {self.subject}"
