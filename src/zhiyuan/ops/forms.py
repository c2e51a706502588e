"""Forms of the privacy pages: an office export with a reason, an anonymisation confirmed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyuan.ops.privacy import CONFIRM_MISMATCH


class ExportForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the export"), min_length=2, max_length=300)


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=2,
        max_length=300,
        help_text=_("Why the volunteer's identity is erased. Do not name the person."),
    )
    confirm = forms.CharField(
        label=_("Volunteer number, typed again"),
        max_length=30,
        help_text=_("This cannot be undone."),
    )

    def __init__(self, *args, volunteer_no: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteer_no = volunteer_no

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != self.volunteer_no:
            raise forms.ValidationError(CONFIRM_MISMATCH)
        return value
