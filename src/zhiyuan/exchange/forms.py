"""Forms that collect raw input for the exchange page; the rules live in exports.py and
service/transfers.py."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.pickers import PickerSelect
from zhiyuan.places.models import Region


def _year_start() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class ExchangeExportForm(forms.Form):
    # The regions the user's office runs and below them (a searchable picker: the district
    # office has 69); none chosen is the whole of the office's region.
    region = RegionChoiceField(
        label=_("Scope"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("All"),
        widget=PickerSelect(search_fields=("name__icontains", "parent__name__icontains")),
    )
    start = DateField(
        label=_("From"), initial=_year_start, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DateField(
        label=_("Until (included)"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("jsonl", _("JSON Lines (.jsonl)")), ("xlsx", _("Excel (.xlsx)"))],
        initial="jsonl",
    )
    reveal = forms.BooleanField(
        label=_("Full ID numbers and phones (written to the audit log)"), required=False
    )
    reason = forms.CharField(label=_("Reason for the full values"), required=False, max_length=300)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions.select_related("parent")


class TransferForm(forms.Form):
    source = forms.CharField(
        label=_("Source system"),
        max_length=100,
        initial="全国志愿服务信息系统",
        help_text=_("The system the records were made in, as it should be named on them."),
    )
    file = forms.FileField(
        label=_("Transfer file (.jsonl, .xlsx or .csv)"),
        help_text=_("Service records for volunteers registered here: see the format below."),
    )
