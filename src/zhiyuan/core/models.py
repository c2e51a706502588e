"""Counters that hand out gap-free public numbers (volunteer numbers, later certificates)."""

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
