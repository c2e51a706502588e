"""Forms of the news pages: the article editor, a reprint and the public list's filters."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.dates import DateField
from zhiyuan.core.ids import RowsChoiceField
from zhiyuan.core.pickers import PickerSelect, PickerSelectMultiple
from zhiyuan.news.models import Column
from zhiyuan.projects.models import Project
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

COVER_ACCEPT = "image/jpeg,image/png,image/webp"


class ArticleForm(forms.Form):
    owner = forms.ChoiceField(
        widget=PickerSelect(),
        label=_("Written for"),
        help_text=_("Your office's region, or a team you lead (an office admin publishes it)."),
    )
    column = forms.ModelChoiceField(label=_("Column"), queryset=Column.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Plain text (blank lines separate paragraphs) or HTML: paragraphs, headings, "
            "lists, links, bold, images, tables. Scripts and styles are removed."
        ),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": COVER_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    projects = RowsChoiceField(
        label=_("Projects in the story"), queryset=Project.objects.none(), required=False
    )
    teams = RowsChoiceField(
        label=_("Teams in the story"),
        queryset=Team.objects.none(),
        required=False,
        widget=PickerSelectMultiple(),
    )
    stations = RowsChoiceField(
        label=_("Stations in the story"),
        queryset=Station.objects.none(),
        required=False,
        widget=PickerSelectMultiple(),
    )
    volunteer_numbers = forms.CharField(
        label=_("Volunteers in the story"),
        required=False,
        help_text=_("Volunteer numbers, separated by commas or spaces."),
    )

    def __init__(self, *args, owners=None, column=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = owners
        columns = Column.objects.filter(is_active=True)
        if column is not None:
            columns = Column.objects.filter(pk=column.pk) | columns
        self.fields["column"].queryset = columns.order_by("sort_order", "id")
        self.fields["projects"].queryset = Project.objects.exclude(state="draft").order_by(
            "-starts_on", "-id"
        )
        self.fields["teams"].queryset = Team.objects.filter(status="active").order_by("path")
        self.fields["stations"].queryset = Station.objects.order_by("region__path", "name")
        for name in ("projects", "teams", "stations"):
            self.fields[name].widget.attrs["size"] = 6

    def clean_volunteer_numbers(self) -> list[Volunteer]:
        numbers = [n for n in re.split(r"[\s,，;；]+", self.cleaned_data["volunteer_numbers"]) if n]
        if not numbers:
            return []
        found = {v.volunteer_no: v for v in Volunteer.objects.filter(volunteer_no__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                gettext("No volunteer has the number %(numbers)s.")
                % {"numbers": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found[n] for n in numbers))


class ReprintForm(forms.Form):
    site_name = forms.CharField(label=_("Site"), max_length=100)
    url = forms.CharField(label=_("Address of the reprint"), max_length=500)
    reprinted_on = DateField(
        label=_("Reprinted on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CoverForm(forms.Form):
    cover = forms.FileField(
        label=_("Cover image"), widget=forms.FileInput(attrs={"accept": COVER_ACCEPT})
    )
