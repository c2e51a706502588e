"""Station pages: list and shortfalls, the map, a station, audits, the poster, the check-in URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.stations import access, poster, selectors, services
from zhiyuan.stations.forms import AuditForm, StationFilterForm, StationForm
from zhiyuan.stations.models import Station


def station_list(request):
    filters = StationFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.stations(
        selectors.StationFilter(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            compliance=data.get("compliance") or "",
        )
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stations/list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "shortfalls": selectors.shortfalls(request.user),
        },
    )


def station_map(request):
    return render(request, "stations/map.html", {"map_data": selectors.map_data()})


def _detail_context(request, station: Station) -> dict:
    audits = list(selectors.audits_of(station)[:10])
    return {
        "station": station,
        "latest": audits[0] if audits else None,
        "audits": audits,
        "managers": station.managers.all(),
        "may_manage": access.may_manage(request.user, station),
        "may_audit": access.may_audit(request.user, station),
        "checkin_url": request.build_absolute_uri(f"/s/{station.checkin_token}/"),
    }


def station_detail(request, station_id: int):
    station = get_or_page_error(access.station_for, request.user, station_id)
    return render(request, "stations/detail.html", _detail_context(request, station))


@login_required
def station_create(request):
    get_or_page_error(access.check_may_open, request.user)
    form = StationForm(request.POST or None)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            station = services.create_station(
                actor=request.user,
                longitude=data.pop("longitude"),
                latitude=data.pop("latitude"),
                coord_system=data.pop("coord_system"),
                **data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The station is open."))
            return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/form.html", {"form": form})


@login_required
def station_audit(request, station_id: int):
    station = get_or_page_error(access.station_for, request.user, station_id, audit=True)
    form = AuditForm(request.POST or None, initial={"audited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.record_audit(
                actor=request.user,
                station=station,
                audited_on=form.cleaned_data["audited_on"],
                items=form.items(),
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            for field, errors in exc.as_errors().items():
                target = f"note_{field.split('.', 1)[1]}" if field.startswith("items.") else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            if audit.compliant:
                messages.success(
                    request, _("Audit recorded: the station meets all eight standards.")
                )
            else:
                messages.warning(request, _("Audit recorded: the station falls short."))
            return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/audit.html", {"station": station, "form": form})


@login_required
def station_poster(request, station_id: int, fmt: str):
    if fmt not in ("png", "pdf"):
        raise Http404
    station = get_or_page_error(access.station_for, request.user, station_id, manage=True)
    image = poster.render(
        title=station.name,
        subtitle=station.address,
        url=request.build_absolute_uri(f"/s/{station.checkin_token}/"),
        footer=_("Check-in code issued %(date)s") % {"date": timezone.localdate().isoformat()},
    )
    if fmt == "pdf":
        response = HttpResponse(poster.pdf_bytes(image), content_type="application/pdf")
    else:
        response = HttpResponse(poster.png_bytes(image), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="station-{station.pk}-poster.{fmt}"'
    return response


@require_POST
@login_required
def station_rotate(request, station_id: int):
    station = get_or_page_error(access.station_for, request.user, station_id, manage=True)
    try:
        services.rotate_checkin_token(actor=request.user, station=station)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("A new check-in code is issued: print the poster again."))
    return redirect("stations:detail", station_id=station.pk)


@require_POST
@login_required
def station_managers(request, station_id: int):
    """Add (`username`) or remove (`remove`: a user id) a station manager."""
    station = get_or_page_error(access.station_for, request.user, station_id, manage=True)
    try:
        if request.POST.get("remove"):
            user = station.managers.filter(pk=request.POST["remove"]).first()
            if user is None:
                raise Http404
            services.remove_manager(actor=request.user, station=station, user=user)
        else:
            name = request.POST.get("username", "").strip()
            user = User.objects.filter(username__iexact=name).first() if name else None
            if user is None:
                messages.error(request, _("No account has this name or volunteer number."))
                return redirect("stations:detail", station_id=station.pk)
            services.add_manager(actor=request.user, station=station, user=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The station's managers are updated."))
    return redirect("stations:detail", station_id=station.pk)
