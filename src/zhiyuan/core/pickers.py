"""Searchable pickers: a long <select> narrowed on the server by a search box beside it.

A select of six hundred teams is unusable on a phone and heavy on the wire. A picker sends
the chosen value and the first LIMIT matches of what was typed; as the person types, htmx
asks the same page for the narrowed list (`?pick=<field>&<field>_q=<text>`, answered by
`pick_response`), and without script the search box goes with the form and the page comes
back narrowed. The choices are the form field's own (already scoped to the user by the
form), so a picker never offers what the field would refuse.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse

from zhiyuan.core.ids import ids_from

LIMIT = 30


class PickerSelect(forms.Select):
    """A Select that renders the selected value and the first `limit` matches of its search.

    `search_fields` are the lookups a model choice is searched by (`name__icontains` …);
    plain choices are searched by their label.
    """

    template_name = "core/picker.html"
    picker = True

    def __init__(self, attrs=None, *, search_fields=("name__icontains",), limit: int = LIMIT):
        super().__init__(attrs)
        self.search_fields = tuple(search_fields)
        self.limit = limit
        self.search = ""
        self.truncated = False
        self.matched = True

    def value_from_datadict(self, data, files, name):
        # The search box goes with the form (a page sent without script comes back narrowed).
        self.search = (data.get(f"{name}_q") or "").strip()[:50]
        return super().value_from_datadict(data, files, name)

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        self.choices = self.narrowed(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def narrowed(self, value) -> list:
        """The blank choice, the selected ones, then the first `limit` matches of the search."""
        chosen = {str(v) for v in value if v not in (None, "")}
        if isinstance(self.choices, ModelChoiceIterator):
            return self._narrowed_models(self.choices, chosen)
        blank = [c for c in self.choices if c[0] in ("", None)]
        rest = [c for c in self.choices if c[0] not in ("", None)]
        selected = [c for c in rest if str(c[0]) in chosen]
        needle = self.search.casefold()
        matches = [c for c in rest if needle in str(c[1]).casefold() and str(c[0]) not in chosen]
        self.truncated, self.matched = len(matches) > self.limit, bool(matches)
        return blank + selected + matches[: self.limit]

    def _narrowed_models(self, iterator: ModelChoiceIterator, chosen: set[str]) -> list:
        field = iterator.field
        key = field.to_field_name or "pk"
        out = [("", field.empty_label)] if field.empty_label is not None else []
        meta = iterator.queryset.model._meta
        target = meta.pk if key == "pk" else meta.get_field(key)
        if isinstance(target, models.IntegerField):
            # A posted value past the database's integers failed in the driver (core.ids).
            chosen = {str(number) for number in ids_from(chosen)}
        selected = []
        if chosen:
            try:
                selected = list(iterator.queryset.filter(**{f"{key}__in": chosen}))
            except (ValueError, TypeError, ValidationError):
                selected = []
        matches = iterator.queryset.exclude(pk__in=[obj.pk for obj in selected])
        if self.search:
            condition = Q()
            for lookup in self.search_fields:
                condition |= Q(**{lookup: self.search})
            matches = matches.filter(condition)
        found = list(matches[: self.limit + 1])
        self.truncated, self.matched = len(found) > self.limit, bool(found)
        return out + [iterator.choice(obj) for obj in selected + found[: self.limit]]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            search=self.search, truncated=self.truncated, matched=self.matched, limit=self.limit
        )
        return context


def pick_response(request: HttpRequest, *forms_: forms.Form) -> HttpResponse | None:
    """The narrowed list of the picker `?pick=<name>` names (for htmx), else None.

    The list follows the field's own choices (the form the view built for this user) and
    keeps the value the page has selected (`hx-include` sends it along)."""
    name = request.GET.get("pick")
    if not name:
        return None
    for form in forms_:
        for bound in form:
            widget = bound.field.widget
            if bound.html_name != name or not getattr(widget, "picker", False):
                continue
            widget.search = (request.GET.get(f"{name}_q") or "").strip()[:50]
            value = widget.format_value(
                request.GET.getlist(name)
                if widget.allow_multiple_selected
                else request.GET.get(name)
            )
            attrs = bound.build_widget_attrs({"id": bound.auto_id} if bound.auto_id else {})
            context = widget.get_context(name, value, attrs)
            html = form.renderer.render("core/picker_choices.html", context, request=request)
            return HttpResponse(html)
    return None


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    """A picker for several choices: the chosen ones stay listed (and chosen) while one
    searches for the next."""

    allow_multiple_selected = True
