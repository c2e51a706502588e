"""Privacy pages: a volunteer downloads their data; an office admin exports or anonymises one."""

from __future__ import annotations

import ipaddress
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.security import client_ip
from zhiyuan.ops import health, privacy
from zhiyuan.ops.forms import AnonymiseForm, ExportForm
from zhiyuan.ops.metrics import exposition
from zhiyuan.ops.models import Anonymisation
from zhiyuan.volunteers.access import may_manage, volunteer_for


def _download(data: dict, volunteer_no: str) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zhiyuan-{volunteer_no}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_export(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise Http404(privacy.NO_PROFILE)
    data = privacy.export_for(
        actor=request.user, volunteer=volunteer, ip_address=client_ip(request)
    )
    return _download(data, volunteer.volunteer_no)


@login_required
@require_POST
def volunteer_export(request, volunteer_no: str):
    volunteer = get_or_page_error(volunteer_for, request.user, volunteer_no, manage=True)
    form = ExportForm(request.POST)
    if form.is_valid():
        data = privacy.export_for(
            actor=request.user,
            volunteer=volunteer,
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
        return _download(data, volunteer.volunteer_no)
    messages.error(request, _("Give a reason for the export."))
    return redirect("volunteers:manage_detail", volunteer_no=volunteer.volunteer_no)


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request, volunteer_no: str):
    volunteer = get_or_page_error(volunteer_for, request.user, volunteer_no, manage=True)
    done = Anonymisation.objects.filter(volunteer=volunteer).first()
    form = AnonymiseForm(request.POST or None, volunteer_no=volunteer.volunteer_no)
    if done is None and request.method == "POST" and form.is_valid():
        try:
            done = privacy.anonymise_volunteer(
                actor=request.user, volunteer=volunteer, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The volunteer's identity has been erased."))
            return redirect("volunteers:manage_detail", volunteer_no=done.volunteer.volunteer_no)
    context = {
        "volunteer": volunteer,
        "form": form,
        "done": done,
        "pending": privacy.pending_matters(volunteer) if done is None else {},
        "pending_labels": privacy.PENDING_LABELS,
    }
    return render(request, "ops/anonymise.html", context)


def volunteer_panel(request, volunteer) -> str:
    """The privacy section of a volunteer's page (their own profile, or the office's view)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    own = volunteer.user_id is not None and volunteer.user_id == user.pk
    manages = may_manage(user, volunteer)
    if not (own or manages):
        return ""
    try:
        urls = {
            "export_own": reverse("ops:my_export"),
            "export": reverse("ops:volunteer_export", args=[volunteer.volunteer_no]),
            "anonymise": reverse("ops:anonymise", args=[volunteer.volunteer_no]),
        }
    except NoReverseMatch:
        return ""  # ops' pages are not mounted in this URLconf
    context = {
        "urls": urls,
        "volunteer": volunteer,
        "own": own,
        "manages": manages,
        "done": Anonymisation.objects.select_related("actor").filter(volunteer=volunteer).first(),
        "export_form": ExportForm(),
    }
    return render_to_string("ops/_volunteer_panel.html", context, request=request)


@never_cache
def healthz(request):
    """For load balancers: 200 when this host can serve, 503 when it cannot (ops.health)."""
    healthy, details = health.report()
    return JsonResponse(details, status=200 if healthy else 503)


@never_cache
def metrics(request):
    """Prometheus' scrape, from the addresses in ZHIYUAN_METRICS_FROM only."""
    address = client_ip(request)
    allowed = settings.METRICS_FROM
    if address is None or not any(
        ipaddress.ip_address(address) in ipaddress.ip_network(net, strict=False) for net in allowed
    ):
        raise PermissionDenied
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
