"""Whether a volunteer may take a shift (志愿服务条例 Art. 15–17): skills, age, insurance.

Each failed condition is reported by name, so the volunteer is told what to fix.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.core.prepared import Prepared
from zhiyuan.projects.models import Shift
from zhiyuan.volunteers.models import Skill

_REQUIRED = Prepared(
    lambda shift_id: Shift.required_skills.through.objects.filter(shift_id=shift_id).values_list(
        "skill_id", flat=True
    ),
    remember=True,
)


def age_on(birth_date, day) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def skills_needed(shift) -> set[int]:
    """The skills the shift needs, remembered by this process while no table it reads is
    written (read it before a transaction: inside one, nothing is remembered)."""
    return set(_REQUIRED.rows(shift.pk))


def unmet_conditions(volunteer, shift, *, required_skill_ids=None, skill_ids=None) -> list[str]:
    """The reasons `volunteer` cannot take `shift`, empty if they can."""
    reasons: list[str] = []
    day = timezone.localtime(shift.starts_at).date()
    required = set(required_skill_ids) if required_skill_ids is not None else skills_needed(shift)
    if required:
        held = (
            set(skill_ids)
            if skill_ids is not None
            else set(volunteer.skills.values_list("pk", flat=True))
        )
        missing = required - held
        if missing:
            names = "、".join(Skill.objects.filter(pk__in=missing).values_list("name", flat=True))
            reasons.append(_("This shift needs the skill: %(skills)s.") % {"skills": names})
    if shift.min_age and age_on(volunteer.birth_date, day) < shift.min_age:
        reasons.append(
            _("This shift is for volunteers aged %(age)d or over on the day.")
            % {"age": shift.min_age}
        )
    if shift.insurance_required and not (
        volunteer.insured_until is not None and volunteer.insured_until >= day
    ):
        reasons.append(_("This shift needs accident insurance valid on the day of service."))
    return reasons
