"""Counters that hand out gap-free public numbers, and the one shape of a workflow's logged step."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    name = models.CharField(_("name"), max_length=50, primary_key=True)
    value = models.BigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


def reserve(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of counter `name`; returns them as a range.

    The increment is one UPDATE, which takes the row's write lock before reading, so two
    callers never receive the same number on SQLite or PostgreSQL.
    """
    with transaction.atomic():
        Counter.objects.get_or_create(name=name)
        Counter.objects.filter(name=name).update(value=F("value") + count)
        last = Counter.objects.values_list("value", flat=True).get(name=name)
    return range(last - count + 1, last + 1)


class StatusStep(models.Model):
    """One logged step of a workflow (a help request's, a complaint's): who moved its subject,
    from what status to what, and when. Each subclass names its workflow's `statuses` and
    adds the foreign key to its subject and its note."""

    statuses: type[models.TextChoices]

    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(_("to"), max_length=14)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def from_label(self) -> str:
        """The status left, in the reader's language (the stored value is its code)."""
        return str(self.statuses(self.from_status).label) if self.from_status else ""

    @property
    def to_label(self) -> str:
        """The status reached, in the reader's language."""
        return str(self.statuses(self.to_status).label)
