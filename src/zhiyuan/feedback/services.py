"""Use cases that write evaluations and complaints.

Ratings: a volunteer who served in an activity rates it and its organising team once; the
organiser rates each volunteer's service once. Complaints: anyone files one about a
volunteer, team, project or station; the office whose region covers the subject moves it
through one workflow (TRANSITIONS) by `_move`, which locks the row, logs the step and
tells the complainant and the team concerned.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import Actor, User
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core import crypto
from zhiyuan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhiyuan.core.images import CheckedImage, check_image
from zhiyuan.core.masking import mask_phone
from zhiyuan.feedback.access import may_answer, may_handle
from zhiyuan.feedback.models import (
    ActivityRating,
    Complaint,
    ComplaintEvent,
    ComplaintEvidence,
    RatingTally,
    ServiceRating,
)
from zhiyuan.notifications.services import notify
from zhiyuan.projects.access import may_organise
from zhiyuan.projects.models import Activity, Project
from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.idcard import InvalidPhone, parse_mobile
from zhiyuan.volunteers.models import Volunteer

S = Complaint.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.INVESTIGATING, S.RESOLVED, S.DISMISSED}),
    S.INVESTIGATING: frozenset({S.RESOLVED, S.DISMISSED}),
    S.RESOLVED: frozenset(),
    S.DISMISSED: frozenset(),
}
CLOSING = (S.RESOLVED, S.DISMISSED)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
CODE_LENGTH = 10


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str):
        super().__init__(
            gettext("A complaint that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label},
            field="status",
        )


# Ratings -------------------------------------------------------------------------------


def served_in(volunteer: Volunteer, activity: Activity) -> bool:
    """Checked in to, or has hours for, a shift of the activity."""
    return (
        Attendance.objects.filter(volunteer=volunteer, shift__activity=activity).exists()
        or ServiceRecord.objects.filter(
            volunteer=volunteer, shift__activity=activity, is_current=True
        ).exists()
    )


def _score(value, field: str, errors: dict) -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors[field] = [gettext("Rate from 1 to 5.")]
    return score


def rate_activity(*, actor: User, activity: Activity, score, team_score, comment: str = ""):
    """A volunteer who served in the activity rates it and its organising team, once."""
    volunteer = getattr(actor, "volunteer", None) if actor.is_authenticated else None
    if volunteer is None or not served_in(volunteer, activity):
        raise PermissionDenied(_("Only volunteers who served in this activity may rate it."))
    errors: dict[str, list[str]] = {}
    score = _score(score, "score", errors)
    team_score = _score(team_score, "team_score", errors)
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            rating = ActivityRating.objects.create(
                activity=activity,
                volunteer=volunteer,
                team=activity.project.organiser,
                score=score,
                team_score=team_score,
                comment=(comment or "").strip()[:500],
            )
            tally_rating(activity, RatingTally.Kind.ACTIVITY, volunteer, score, team_score)
            return rating
    except IntegrityError:
        raise Conflict(_("You have rated this activity already."), code="rated") from None


def rate_service(
    *, actor: User, activity: Activity, volunteer: Volunteer, score, comment: str = ""
):
    """The organiser rates one volunteer's service in the activity, once."""
    if not may_organise(actor, activity.project):
        raise PermissionDenied(_("Only the organisers of this project may do this."))
    if volunteer.user_id is not None and volunteer.user_id == actor.pk:
        raise PermissionDenied(_("Nobody rates their own service."))
    errors: dict[str, list[str]] = {}
    score = _score(score, "score", errors)
    if not served_in(volunteer, activity):
        errors["volunteer"] = [gettext("This volunteer did not serve in this activity.")]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                activity=activity,
                volunteer=volunteer,
                score=score,
                comment=(comment or "").strip()[:500],
                rated_by=actor,
            )
            tally_rating(activity, RatingTally.Kind.SERVICE, volunteer, score)
    except IntegrityError:
        raise Conflict(_("This volunteer's service here is rated already."), code="rated") from None
    if volunteer.user_id:
        notify(
            recipient=volunteer.user,
            kind="service_rated",
            key=f"service_rating:{rating.pk}",
            subject=gettext("Your service was rated"),
            body=gettext("“%(activity)s”: %(score)d of 5.")
            % {"activity": activity.title, "score": rating.score},
            link=reverse("service:my_hours"),
        )
    return rating


def _place_id(activity: Activity, kind: str, volunteer: Volunteer) -> int:
    """Where a rating counts for a region's figures: the activity's station region, else the
    organiser's region (activity ratings) or the volunteer's home community (service ratings,
    as for service records)."""
    if activity.station_id is not None:
        return Station.objects.values_list("region_id", flat=True).get(pk=activity.station_id)
    if kind == RatingTally.Kind.ACTIVITY:
        return activity.project.organiser.region_id
    return volunteer.community_id


def tally_rating(
    activity: Activity, kind: str, volunteer: Volunteer, score: int, team_score: int = 0
) -> None:
    """Add one rating to its tally, in the rating's transaction. F() increments, so two
    ratings of one activity at once both count; the first of a place creates its row."""
    tally = RatingTally.objects.filter(
        activity=activity, kind=kind, place_id=_place_id(activity, kind, volunteer)
    )
    bump = {
        "ratings": F("ratings") + 1,
        "score_sum": F("score_sum") + score,
        "team_score_sum": F("team_score_sum") + team_score,
    }
    if tally.update(**bump):
        return
    try:
        with transaction.atomic():
            RatingTally.objects.create(
                activity=activity,
                kind=kind,
                place_id=_place_id(activity, kind, volunteer),
                ratings=1,
                score_sum=score,
                team_score_sum=team_score,
            )
    except IntegrityError:  # made meanwhile by another rating of the same place
        tally.update(**bump)


# Complaints ----------------------------------------------------------------------------


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _first_team(volunteer: Volunteer) -> Team | None:
    membership = (
        Membership.objects.filter(volunteer=volunteer, state=Membership.State.ACTIVE)
        .select_related("team")
        .order_by("id")
        .first()
    )
    return membership.team if membership else None


def _subject(subject_type: str, ref, errors: dict) -> dict:
    """The subject's row, the team that answers for it and the region whose office handles it."""
    ref = str(ref or "").strip()
    missing = gettext("No such volunteer, team, project or station: check the number.")
    if subject_type == Complaint.Subject.VOLUNTEER:
        volunteer = Volunteer.objects.filter(volunteer_no=ref.upper()).first() if ref else None
        if volunteer is None:
            errors["subject"] = [missing]
            return {}
        return {
            "volunteer": volunteer,
            "team": _first_team(volunteer),
            "region": volunteer.community,
        }
    if not ref.isdigit():
        errors["subject"] = [missing]
        return {}
    if subject_type == Complaint.Subject.TEAM:
        team = Team.objects.filter(pk=int(ref)).select_related("region").first()
        if team is None:
            errors["subject"] = [missing]
            return {}
        return {"team": team, "region": team.region}
    if subject_type == Complaint.Subject.PROJECT:
        project = (
            Project.objects.filter(pk=int(ref), state=Project.State.PUBLISHED)
            .select_related("organiser__region")
            .first()
        )
        if project is None:
            errors["subject"] = [missing]
            return {}
        return {"project": project, "team": project.organiser, "region": project.organiser.region}
    station = Station.objects.filter(pk=int(ref)).select_related("region", "managing_team").first()
    if station is None:
        errors["subject"] = [missing]
        return {}
    return {"station": station, "team": station.managing_team, "region": station.region}


def file_complaint(
    *,
    actor: Actor,
    subject_type: str,
    subject,
    what: str,
    happened_on,
    place: str = "",
    contact_name: str = "",
    contact: str = "",
    evidence=None,
) -> Complaint:
    """Anyone files a complaint, with a photo (`evidence`, an upload) if they have one; it is
    tracked by the code it returns."""
    errors: dict[str, list[str]] = {}
    if subject_type not in Complaint.Subject.values:
        errors["subject_type"] = [gettext("Say whom or what the complaint is about.")]
        found = {}
    else:
        found = _subject(subject_type, subject, errors)
    what = (what or "").strip()
    if len(what) < 5:
        errors["what"] = [gettext("Say what happened, in a few words at least.")]
    elif len(what) > 2000:
        errors["what"] = [gettext("At most 2,000 characters.")]
    if isinstance(happened_on, str):
        try:
            happened_on = dt.date.fromisoformat(happened_on.strip())
        except ValueError:
            happened_on = None
    if not isinstance(happened_on, dt.date) or happened_on > timezone.localdate():
        errors["happened_on"] = [gettext("Give the date it happened (not in the future).")]
    phone = ""
    if (contact or "").strip():
        try:
            phone = parse_mobile(contact)
        except InvalidPhone as exc:
            errors["contact"] = [str(exc.message)]
    checked = None
    if evidence:
        try:
            checked = check_image(evidence, field="evidence")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    signed_in = getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            code=new_tracking_code(),
            subject_type=subject_type,
            what=what,
            happened_on=happened_on,
            place=(place or "").strip()[:200],
            contact_name=(contact_name or "").strip()[:50],
            contact_encrypted=crypto.encrypt(phone) if phone else "",
            contact_masked=mask_phone(phone) if phone else "",
            filed_by=actor if signed_in else None,
            due_on=timezone.localdate() + dt.timedelta(days=settings.COMPLAINT_DAYS),
            **found,
        )
        ComplaintEvent.objects.create(
            complaint=complaint, to_status=S.RECEIVED, actor=actor if signed_in else None
        )
        if checked is not None:
            _keep_evidence(complaint, checked)
        _tell(complaint, S.RECEIVED, "")
    return complaint


def _keep_evidence(complaint: Complaint, checked: CheckedImage) -> ComplaintEvidence:
    return ComplaintEvidence.objects.create(
        complaint=complaint,
        image_encrypted=ComplaintEvidence.seal(checked.content.read()),
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
    )


def attach_evidence(*, actor: Actor, complaint: Complaint, upload) -> Complaint:
    """The complainant, holding the tracking code, adds a photo to a complaint filed without
    one, until the office starts on it (what the office has begun to weigh is not changed).

    Locks the complaint and checks its state and photo on the locked row."""
    checked = check_image(upload, field="evidence")
    signed_in = getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != S.RECEIVED:
            raise Conflict(
                _("The office has started on this complaint: a photo can no longer be added."),
                field="evidence",
            )
        if ComplaintEvidence.objects.filter(complaint=locked).exists():
            raise Conflict(_("This complaint has a photo already."), field="evidence")
        _keep_evidence(locked, checked)
        ComplaintEvent.objects.create(
            complaint=locked,
            from_status=locked.status,
            to_status=locked.status,
            note=gettext("A photo was added."),
            actor=actor if signed_in else None,
        )
    return locked


def _team_admins(team: Team | None):
    if team is None:
        return []
    rows = Membership.objects.filter(
        team=team, state=Membership.State.ACTIVE, role__in=Membership.MANAGING_ROLES
    ).select_related("volunteer__user")
    return [m.volunteer.user for m in rows if m.volunteer.user_id]


def _tell(complaint: Complaint, status: str, note: str) -> None:
    labels = {"code": complaint.code, "status": S(status).label}
    subject = gettext("Complaint %(code)s: %(status)s") % labels
    body = f"{subject}. {note}".strip() if note else subject
    link = reverse("feedback:complaint", args=[complaint.pk])
    if complaint.filed_by_id:
        notify(
            recipient=complaint.filed_by,
            kind=f"complaint_{status}",
            key=f"complaint:{complaint.pk}:{status}:filer",
            subject=subject,
            body=body,
            link=link,
        )
    if status == S.RECEIVED or status in CLOSING:
        for user in _team_admins(complaint.team):
            notify(
                recipient=user,
                kind=f"complaint_{status}",
                key=f"complaint:{complaint.pk}:{status}:team{user.pk}",
                subject=subject,
                body=body,
                link=link,
            )


def move_complaint(*, actor: User, complaint: Complaint, to: str, note: str = "") -> Complaint:
    """The office moves a complaint on; closing it (resolved or dismissed) needs the outcome."""
    if not may_handle(actor, complaint):
        raise PermissionDenied(_("Only the office in charge of this complaint may handle it."))
    if to not in S.values:
        raise ValidationFailed({"status": [gettext("Unknown status.")]})
    note = (note or "").strip()
    if to in CLOSING and len(note) < 2:
        raise ValidationFailed({"note": [gettext("Say what was found and done.")]})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if to not in TRANSITIONS[locked.status]:
            raise IllegalTransition(locked.status, to)
        previous = locked.status
        locked.status = to
        fields = ["status"]
        if to in CLOSING:
            locked.outcome = note[:500]
            locked.closed_at = timezone.now()
            fields += ["outcome", "closed_at"]
        locked.save(update_fields=fields)
        ComplaintEvent.objects.create(
            complaint=locked, from_status=previous, to_status=to, note=note[:1000], actor=actor
        )
        _tell(locked, to, note)
    return locked


def answer_complaint(*, actor: User, complaint: Complaint, answer: str) -> Complaint:
    """The team concerned gives its side while the complaint is open."""
    if not may_answer(actor, complaint):
        raise PermissionDenied(_("Only admins of the team concerned may answer."))
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise ValidationFailed({"answer": [gettext("Write the team's answer.")]})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if not locked.is_open:
            raise Conflict(_("This complaint is closed."))
        locked.answer = answer[:1000]
        locked.answered_by = actor
        locked.save(update_fields=["answer", "answered_by"])
        ComplaintEvent.objects.create(
            complaint=locked,
            from_status=locked.status,
            to_status=locked.status,
            note=gettext("The team concerned answered."),
            actor=actor,
        )
    return locked


def reveal_contact(
    *, actor: User, complaint: Complaint, reason: str, ip_address: str | None = None
) -> str:
    """The complainant's full contact, for the office in charge, written to the audit log first."""
    if not may_handle(actor, complaint):
        raise PermissionDenied(_("Only the office in charge of this complaint may see this."))
    record_reveal(
        actor=actor,
        subject_type="complaint",
        subject_id=str(complaint.pk),
        subject_label=complaint.code,
        field="contact",
        reason=reason,
        ip_address=ip_address,
    )
    return complaint.decrypted_contact()


def complaint_by_code(code: str) -> Complaint:
    code = (code or "").strip().upper()
    found = Complaint.objects.filter(code=code).first() if len(code) == CODE_LENGTH else None
    if found is None:
        raise NotFound(_("No complaint has this tracking code."))
    return found
