"""Use cases that write: freezing figures, editing the report's wording, generating reports."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhiyuan.reports import access, wording, yearly
from zhiyuan.reports.models import ReportFile, ReportTemplate, Snapshot
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import check_period, compute


def freeze(*, actor: User, scope: Scope, start: dt.date, end: dt.date) -> Snapshot:
    """Store the live figures of a closed period; compute() answers from them from now on."""
    access.check_may_freeze(actor, scope)
    check_period(start, end)
    if end > timezone.localdate():
        raise ValidationFailed({"end": [_("Only a closed period (ended by today) can be frozen.")]})
    figures = compute(scope, start, end, use_snapshot=False)
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                scope_key=scope.key, start=start, end=end, figures=figures.data, frozen_by=actor
            )
    except IntegrityError:
        raise Conflict(_("These figures are already frozen."), code="already_frozen") from None


def unfreeze(*, actor: User, scope: Scope, start: dt.date, end: dt.date) -> None:
    access.check_may_freeze(actor, scope)
    deleted, _rows = Snapshot.objects.filter(scope_key=scope.key, start=start, end=end).delete()
    if not deleted:
        raise NotFound(_("These figures are not frozen."))


def save_wording(*, actor: User, texts: dict[str, str]) -> ReportTemplate:
    """Replace the report's wording; a text with an unknown placeholder changes nothing."""
    access.check_may_edit_wording(actor)
    fields = ("title", *ReportTemplate.SECTIONS)
    missing = {f: [_("This text is required.")] for f in fields if not (texts.get(f) or "").strip()}
    if missing:
        raise ValidationFailed(missing)
    wording.validate({f: texts[f] for f in fields})
    with transaction.atomic():
        # Every field is written below: the first save creates the row with them.
        template, _created = ReportTemplate.objects.select_for_update().get_or_create(key="default")
        for f in fields:
            setattr(template, f, texts[f].strip())
        template.updated_by = actor
        template.save(update_fields=[*fields, "updated_by", "updated_at"])
    return template


def add_left_out_sentences(*, actor: User) -> ReportTemplate:
    """Append to each section the default's sentences its saved text leaves out
    (wording.left_out); the rest of the text stays as the district wrote it."""
    template = yearly.current_wording()
    texts = {f: getattr(template, f) for f in ("title", *ReportTemplate.SECTIONS)}
    for section in ReportTemplate.SECTIONS:
        texts[section] = texts[section].strip() + "".join(wording.left_out(section, texts[section]))
    return save_wording(actor=actor, texts=texts)


def reset_wording(*, actor: User) -> ReportTemplate:
    return save_wording(actor=actor, texts={"title": wording.DEFAULT_TITLE, **wording.DEFAULT})


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed({"year": [_("The year must be a number such as 2026.")]}) from None
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationFailed({"year": [_("The year must be between 2000 and the current year.")]})
    return year


def request_report(*, actor: User, scope: Scope, year) -> ReportFile:
    """Queue the yearly report's generation; the file is kept for download when done."""
    from zhiyuan.reports.tasks import generate_report

    if not access.may_see(actor, scope):
        raise PermissionDenied(_("These figures are outside your area."))
    year = check_year(year)
    report = ReportFile.objects.create(year=year, scope_key=scope.key, requested_by=actor)
    transaction.on_commit(lambda: generate_report.enqueue(report.pk))
    return report


def run_report(report_id: int) -> ReportFile:
    """Build a queued report (the background task's body)."""
    report = ReportFile.objects.select_related("requested_by").get(pk=report_id)
    if report.state != ReportFile.State.QUEUED:
        return report
    try:
        scope = access.parse_scope_key(report.requested_by, report.scope_key)
        report.content = yearly.build(scope, report.year)
        report.state = ReportFile.State.DONE
    except Exception as exc:  # kept on the row and shown to the user, then re-raised
        report.state = ReportFile.State.FAILED
        report.error = str(exc)[:500]
        report.finished_at = timezone.now()
        report.save(update_fields=["state", "error", "finished_at"])
        raise
    report.finished_at = timezone.now()
    report.save(update_fields=["content", "state", "finished_at"])
    return report
