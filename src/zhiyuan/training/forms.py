"""Forms for the training pages; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.training.models import Course
from zhiyuan.volunteers.models import Skill

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Course.Kind.choices], required=False
    )
    skill = forms.ModelChoiceField(
        label=_("Certifies"),
        queryset=Skill.objects.filter(requires_training=True),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Course.Kind.choices)
    hours = forms.DecimalField(label=_("Training hours"), max_digits=5, decimal_places=1)
    organiser = forms.ModelChoiceField(
        label=_("Organiser team"),
        queryset=Team.objects.none(),
        required=False,
        widget=PickerSelect(),
    )
    region = forms.ModelChoiceField(
        label=_("Or the region (office courses)"), queryset=Region.objects.none(), required=False
    )
    skill = forms.ModelChoiceField(
        label=_("Certifies the skill"),
        queryset=Skill.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    validity_months = forms.IntegerField(
        label=_("Certificate valid for (months)"),
        required=False,
        help_text=_("Empty: the certification does not expire."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args, teams=None, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "kind": data.get("kind") or "",
            "hours": data.get("hours"),
            "organiser_id": data["organiser"].pk if data.get("organiser") else None,
            "region_id": data["region"].pk if data.get("region") else None,
            "skill": data["skill"].code if data.get("skill") else "",
            "validity_months": data.get("validity_months"),
            "description": data.get("description") or "",
        }


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    trainer = forms.CharField(label=_("Trainer"), max_length=100)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)
    station = forms.ModelChoiceField(
        label=_("Station"),
        queryset=Station.objects.filter(status="open"),
        required=False,
        widget=PickerSelect(search_fields=("name__icontains", "address__icontains")),
    )
    address = forms.CharField(label=_("Or a place"), max_length=200, required=False)

    def schedule_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data.get("starts_at"),
            "ends_at": data.get("ends_at"),
            "trainer": data.get("trainer") or "",
            "capacity": data.get("capacity"),
            "station_id": data["station"].pk if data.get("station") else None,
            "address": data.get("address") or "",
        }
