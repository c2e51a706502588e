"""Forms that collect raw input for the station pages; the rules live in services.py."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Criterion, Station
from zhiyuan.teams.models import Team


class StationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Station.Kind.choices)
    place_type = forms.ChoiceField(
        label=_("Type of place"), choices=[("", "—"), *Station.PlaceType.choices], required=False
    )
    place_name = forms.CharField(label=_("Public place"), max_length=100, required=False)
    base_level = forms.ChoiceField(
        label=_("Base level"), choices=[("", "—"), *Station.BaseLevel.choices], required=False
    )
    base_year = forms.IntegerField(label=_("Designated in"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("path"), widget=PickerSelect()
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=10, decimal_places=7)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=10, decimal_places=7)
    coord_system = forms.ChoiceField(
        label=_("Coordinates from"),
        choices=[
            ("wgs84", _("GPS / browser (WGS-84)")),
            ("gcj02", _("Amap, Tencent or WeChat map (GCJ-02)")),
            ("bd09", _("Baidu map (BD-09)")),
        ],
    )
    checkin_radius_m = forms.IntegerField(label=_("Check-in radius (m)"), initial=200)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    services = forms.CharField(label=_("Services offered"), required=False, widget=forms.Textarea)
    managing_team = forms.ModelChoiceField(
        label=_("Managing team"),
        queryset=Team.objects.filter(status=Team.Status.ACTIVE).order_by("path"),
        required=False,
        widget=PickerSelect(),
    )


class StationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Station.Kind.choices], required=False
    )
    compliance = forms.ChoiceField(
        label=_("Audit state"),
        choices=[
            ("", _("All")),
            ("compliant", _("Meets the standards")),
            ("short", _("Falls short")),
            ("unaudited", _("Not audited")),
        ],
        required=False,
    )


class AuditForm(forms.Form):
    audited_on = DateField(
        label=_("Audited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Overall note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Criterion.choices:
            self.fields[f"met_{value}"] = forms.BooleanField(label=label, required=False)
            # Each row's note is named after its standard, for screen readers too.
            self.fields[f"note_{value}"] = forms.CharField(
                label=format_lazy("{}: {}", label, _("Note")), required=False, max_length=300
            )

    def criteria(self):
        """(criterion label, met field, note field) per standard, for the template."""
        return [
            (label, self[f"met_{value}"], self[f"note_{value}"])
            for value, label in Criterion.choices
        ]

    def items(self) -> dict:
        data = self.cleaned_data
        return {
            value: (bool(data.get(f"met_{value}")), data.get(f"note_{value}", ""))
            for value in Criterion.values
        }
