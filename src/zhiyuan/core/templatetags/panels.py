"""`{% object_panels obj %}`: the sections other apps registered for obj's page (core.panels)."""

from django import template

from zhiyuan.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    return render_panels(context.get("request"), obj)
