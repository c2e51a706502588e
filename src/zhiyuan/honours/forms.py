"""Forms for the honours pages; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.honours.models import AwardeeType, AwardKind, Level
from zhiyuan.honours.rules import DEFAULT_RULES, RULE_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AWARDEE_HELP = _(
    "The volunteer's number (志愿者编号), or the number of the team, project or station."
)


class RollFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ModelChoiceField(
        label=_("Award"),
        queryset=AwardKind.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *Level.choices], required=False
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=50)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]


class AwardForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Award"), queryset=AwardKind.objects.all())
    awardee = forms.CharField(label=_("Awarded to"), max_length=30, help_text=AWARDEE_HELP)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    rank = forms.CharField(
        label=_("Rank or class"), max_length=30, required=False, help_text=_("e.g. 三等奖")
    )
    awarding_body = forms.CharField(label=_("Awarding body"), max_length=100)
    awarded_on = DateField(label=_("Awarded on"), widget=DATE)
    citation = forms.CharField(
        label=_("Citation"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class KindForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=50)
    awardee_type = forms.ChoiceField(label=_("Awarded to"), choices=AwardeeType.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class RoundForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Award"), queryset=AwardKind.objects.all())
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    level = forms.ChoiceField(label=_("Award level"), choices=Level.choices, initial=Level.DISTRICT)
    awarding_body = forms.CharField(label=_("Awarding body"), max_length=100)
    deadline = DateField(label=_("Nominations close on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        for key, label in RULE_LABELS.items():
            self.fields[f"rule_{key}"] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=100000
            )

    def rules(self, awardee_type: str) -> dict:
        keys = DEFAULT_RULES[awardee_type]
        return {
            key: self.cleaned_data[f"rule_{key}"]
            for key in keys
            if self.cleaned_data.get(f"rule_{key}") is not None
        }


class CandidateForm(forms.Form):
    awardee = forms.CharField(label=_("Candidate"), max_length=30, help_text=AWARDEE_HELP)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    team = forms.TypedChoiceField(
        label=_("Nominating team"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=PickerSelect(),
    )

    def __init__(self, *args, teams=(), office: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(t.pk, t.name) for t in teams]
        if office:
            # The office adds to the shortlist directly; a team's nomination waits for approval.
            choices.insert(0, ("", _("The office (straight to the shortlist)")))
        self.fields["team"].choices = choices
        self.fields["team"].required = not office
        if office and not teams:
            del self.fields["team"]
