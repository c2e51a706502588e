"""Forms that collect raw input for the team pages; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region
from zhiyuan.teams.models import Membership, Specialty, Team


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        indent = {"district": "", "subdistrict": "· ", "community": "· · "}.get(obj.level, "")
        return f"{indent}{obj.name}"


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=Team.Level.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        required=False,
        help_text=_("Required for professional teams."),
    )
    sponsor_unit = forms.CharField(label=_("Sponsor unit"), max_length=100, required=False)
    region = RegionChoiceField(
        label=_("Home region"), queryset=Region.objects.order_by("path"), widget=PickerSelect()
    )
    join_mode = forms.ChoiceField(label=_("Join mode"), choices=Team.JoinMode.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    founded_on = DateField(
        label=_("Founded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["level"]


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or sponsor"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("All")), *Team.Level.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Team.Kind.choices], required=False
    )
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )


class InviteForm(forms.Form):
    volunteer_no = forms.CharField(label=_("Volunteer number"), max_length=20)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
