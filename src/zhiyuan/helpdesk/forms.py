"""Forms of the help-desk pages: they parse input; every rule lives in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.helpdesk.models import HelpKind, HelpRequest, RecipientCategory, Urgency
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import administered_regions


def communities():
    return Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is needed"), choices=HelpKind.choices)
    title = forms.CharField(label=_("In a few words"), max_length=100)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Who is helped"), choices=RecipientCategory.choices)
    community = CommunityChoiceField(
        label=_("Community"),
        queryset=Region.objects.none(),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    latitude = forms.FloatField(label=_("Latitude (optional)"), required=False)
    longitude = forms.FloatField(label=_("Longitude (optional)"), required=False)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    repeat = forms.ChoiceField(label=_("Repeat"), choices=HelpRequest.Repeat.choices)
    repeat_until = DateField(
        label=_("Repeat until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    contact_name = forms.CharField(label=_("Contact name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    known_risks = forms.CharField(
        label=_("Known risks (pets, stairs, illness …)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    truth_confirmed = forms.BooleanField(
        label=_(
            "I confirm that this information is true and that I have stated the risks I know of "
            "(Regulations on Volunteer Service, Art. 13)."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities()

    def submit_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["community_id"] = data.pop("community").pk
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=12)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=[(i, "★" * i) for i in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"),
        choices=[("address", _("Address")), ("phone", _("Phone")), ("health", _("Health"))],
    )
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=300)


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    category = forms.ChoiceField(label=_("Category"), choices=RecipientCategory.choices)
    community = CommunityChoiceField(
        label=_("Community"),
        queryset=Region.objects.none(),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    latitude = forms.FloatField(label=_("Latitude (optional)"), required=False)
    longitude = forms.FloatField(label=_("Longitude (optional)"), required=False)
    needs = forms.CharField(
        label=_("Needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    health = forms.CharField(
        label=_("Health and disability"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_("The person (or their guardian) consents to this record."), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (
            administered_regions(user, communities=True)
            .filter(level=Region.Level.COMMUNITY)
            .select_related("parent")
        )

    def create_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["community_id"] = data.pop("community").pk
        return data


class RunForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), widget=PickerSelect()
    )
    days_ahead = forms.IntegerField(label=_("Days ahead"), min_value=1, max_value=60, initial=14)
    include_requests = forms.BooleanField(label=_("Help requests"), required=False, initial=True)
    include_shifts = forms.BooleanField(label=_("Open shifts"), required=False, initial=True)


class SwapForm(forms.Form):
    volunteer_no = forms.CharField(label=_("Volunteer number"), max_length=20)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
