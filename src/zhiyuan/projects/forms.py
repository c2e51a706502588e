"""Forms for the project pages; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.ids import RowsChoiceField
from zhiyuan.core.pickers import PickerSelect, PickerSelectMultiple
from zhiyuan.places.models import Region
from zhiyuan.projects.models import ActivitySeries, Category
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Skill


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    region = forms.ModelChoiceField(
        label=_("Subdistrict"),
        queryset=Region.objects.filter(level="subdistrict"),
        required=False,
        empty_label=_("All"),
    )
    date_from = DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    organiser = forms.ModelChoiceField(
        label=_("Organiser team"), queryset=Team.objects.none(), widget=PickerSelect()
    )
    starts_on = DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = DateField(
        label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    target_recipients = forms.CharField(
        label=_("Target recipients"), max_length=200, required=False
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    is_brand = forms.BooleanField(label=_("Brand project"), required=False)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = teams if teams is not None else Team.objects.none()


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    station = forms.ModelChoiceField(
        label=_("Station"),
        queryset=Station.objects.filter(status="open"),
        required=False,
        widget=PickerSelect(search_fields=("name__icontains", "address__icontains")),
    )
    address = forms.CharField(label=_("Or an address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ShiftForm(forms.Form):
    role = forms.CharField(label=_("Role"), max_length=50)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Capacity"))
    required_skills = RowsChoiceField(
        label=_("Required skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(label=_("Minimum age"), initial=0)
    insurance_required = forms.BooleanField(label=_("Accident insurance required"), required=False)


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, initial="文明礼让日")
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ActivitySeries.Frequency.choices)
    day = forms.IntegerField(label=_("Day"), initial=12)
    start_time = forms.TimeField(
        label=_("Start time"),
        initial="08:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("End time"),
        initial="11:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    first_date = DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_date = DateField(
        label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stations = RowsChoiceField(
        label=_("Stations"),
        queryset=Station.objects.filter(status="open"),
        widget=PickerSelectMultiple(
            attrs={"size": 10}, search_fields=("name__icontains", "address__icontains")
        ),
    )
    role = forms.CharField(label=_("Shift role"), max_length=50, initial="公共文明引导")
    capacity = forms.IntegerField(label=_("Places per station"), initial=5)
