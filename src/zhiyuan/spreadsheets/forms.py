"""Forms that collect raw input for the import and export pages; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region
from zhiyuan.spreadsheets import columns
from zhiyuan.spreadsheets.models import ImportJob
from zhiyuan.volunteers.forms import CommunityChoiceField
from zhiyuan.volunteers.models import Volunteer


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "Excel (.xlsx, .xls), OpenDocument (.ods) or CSV (UTF-8 or GBK), with a row of "
            "column titles."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    scope = forms.ChoiceField(label=_("Import into"), required=False)
    community_default = forms.CharField(
        label=_("Default community (code)"),
        required=False,
        max_length=20,
        help_text=_("For rows whose community cell is empty."),
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "Everyone in this file has signed the privacy notice (paper forms kept by the office)."
        ),
        required=False,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            (r.pk, ("\u3000" * (r.path.count("/") - 2)) + r.name) for r in regions
        ]


class MappingForm(forms.Form):
    header_row = forms.IntegerField(
        label=_("Header row"), min_value=1, max_value=columns.HEADER_SCAN_ROWS
    )

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), f"{columns.column_letter(i)}: {title or '—'}")
            for i, title in enumerate(job.columns)
        ]
        for name, label in columns.FIELDS.items():
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )
            self.initial.setdefault(f"map_{name}", str(job.mapping.get(name, "")))
        self.initial.setdefault("header_row", job.header_row)
        self.fields["existing"] = forms.ChoiceField(
            label=_("People already registered (same ID number)"),
            choices=ImportJob.Existing.choices,
            required=False,
        )
        self.initial.setdefault("existing", job.existing)

    def mapping(self) -> dict:
        return {name: self.cleaned_data.get(f"map_{name}") or None for name in columns.FIELDS}


class ExportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + Volunteer.Status.choices, required=False
    )
    # Only the district office narrows an export to one region (a searchable picker: the
    # district has 68 subdistricts and communities); other admins export their own scope.
    region = CommunityChoiceField(
        label=_("Subdistrict or community"),
        required=False,
        queryset=Region.objects.exclude(level="district").select_related("parent").order_by("path"),
        empty_label=_("All"),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    date_from = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reveal = forms.BooleanField(
        label=_("Full ID numbers and phones (written to the audit log)"), required=False
    )
    reason = forms.CharField(label=_("Reason for the full values"), required=False, max_length=300)

    def __init__(self, *args, choose_region: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_region:
            del self.fields["region"]
