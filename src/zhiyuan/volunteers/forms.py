"""Forms that collect raw input for the volunteer pages; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.ids import RowsChoiceField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import communities
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers.idcard import Gender, IdType
from zhiyuan.volunteers.models import PoliticalStatus, Skill, Volunteer


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class ProfileFields(forms.Form):
    community = CommunityChoiceField(
        label=_("Home community"),
        queryset=communities(),
        empty_label=_("Choose…"),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    skills = RowsChoiceField(
        label=_("Skills"),
        # Skills that need training (Art. 16) come from a completed course, not a tick box.
        queryset=Skill.objects.filter(requires_training=False),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        choices=avail.slot_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=PoliticalStatus.choices, initial=PoliticalStatus.MASSES
    )

    def profile_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "community_id": data["community"].pk if data.get("community") else None,
            "skills": [skill.code for skill in data.get("skills") or []],
            "availability": data.get("availability") or [],
            "political_status": data.get("political_status") or "",
        }


class RegistrationForm(ProfileFields):
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    birth_date = DateField(
        label=_("Birth date"),
        required=False,
        help_text=_("Only for documents that do not contain it (passports, travel permits)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *Gender.choices],
        required=False,
        help_text=_("Only for documents that do not contain it."),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), required=False
    )
    consent = forms.BooleanField(
        label=_("I have read and agree to the privacy notice."), required=False
    )

    field_order = [
        "real_name",
        "id_type",
        "id_number",
        "birth_date",
        "gender",
        "phone",
        "community",
        "skills",
        "availability",
        "political_status",
        "password",
        "consent",
    ]

    def __init__(self, *args, ask_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]

    def register_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "real_name": data.get("real_name", ""),
            "id_type": data.get("id_type", ""),
            "id_number": data.get("id_number", ""),
            "phone": data.get("phone", ""),
            "birth_date": data.get("birth_date"),
            "gender": data.get("gender") or None,
            "consent": bool(data.get("consent")),
            "password": data.get("password") or None,
            **self.profile_kwargs(),
        }


class ProfileForm(ProfileFields):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_(
            "Leave empty to keep the current number. A new number needs the code we text to it."
        ),
    )
    field_order = ["phone", "community", "skills", "availability", "political_status"]

    def update_kwargs(self) -> dict:
        kwargs = self.profile_kwargs()
        # Certified skills are not on the form; keep the ones the volunteer holds (initial).
        kwargs["skills"] += Skill.objects.filter(
            requires_training=True, code__in=self.initial.get("skills") or []
        ).values_list("code", flat=True)
        kwargs["phone"] = self.cleaned_data.get("phone") or None
        return kwargs


class PhoneCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the text message"), max_length=12)


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or volunteer number"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Volunteer.Status.choices], required=False
    )
    region = CommunityChoiceField(
        label=_("Subdistrict or community"),
        required=False,
        queryset=Region.objects.exclude(level="district").select_related("parent").order_by("path"),
        empty_label=_("All"),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    skill = forms.CharField(label=_("Skill"), required=False, max_length=40)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NationalNumberForm(forms.Form):
    national_no = forms.CharField(
        label=_("National volunteer number (志愿者统一编号)"),
        max_length=40,
        required=False,
        help_text=_(
            "As given by the national volunteer-service information system; empty clears it."
        ),
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"), choices=[("id_number", _("ID number")), ("phone", _("Phone"))]
    )
    reason = forms.CharField(label=_("Why do you need the full value?"), max_length=300)
