"""Operations records: the permanent note that a volunteer's identity was erased."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Anonymisation(models.Model):
    """A volunteer who left had their identity erased: by whom, when, why, and what was kept.

    Holds no personal data of the volunteer (not even the former volunteer number), so the
    record itself cannot undo the erasure.
    """

    volunteer = models.OneToOneField(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="anonymisation",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anonymised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True, db_index=True)
    records_kept = models.PositiveIntegerField(_("service records kept"), default=0)
    hours_kept = models.DecimalField(
        _("approved hours kept"), max_digits=9, decimal_places=2, default=0
    )
    certificates_kept = models.PositiveIntegerField(_("certificates kept"), default=0)
    memberships_ended = models.PositiveIntegerField(_("memberships ended"), default=0)
    signups_released = models.PositiveIntegerField(_("sign-ups released"), default=0)
    messages_deleted = models.PositiveIntegerField(_("messages deleted"), default=0)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer.volunteer_no} · {self.at:%Y-%m-%d}"


class PeriodicRun(models.Model):
    """One run of a periodic job for one period: the row that lets only one host run it.

    Every app host's timer calls `zhiyuan periodic JOB`; the first to insert the (job,
    period) row runs it, the others find the row and stop (ops.periodic).
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=50)
    period = models.CharField(_("period"), max_length=20)
    host = models.CharField(_("host"), max_length=100)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    output = models.TextField(_("output"), blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="ops_periodic_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
