"""Certificate pages: my certificates and the request form, a team's queue with issue and
refuse, the PDF/PNG download, and the public check by QR code or by number."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhiyuan.core.dates import DateField
from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import PickerSelect, pick_response
from zhiyuan.core.security import RateLimited, client_ip
from zhiyuan.service import certificate_pdf, certificates
from zhiyuan.service.models import Certificate
from zhiyuan.teams.models import Team
from zhiyuan.teams.selectors import managed_teams

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("Issuing team"), queryset=Team.objects.none())
    period_from = DateField(label=gettext_lazy("From"), widget=DATE)
    period_to = DateField(label=gettext_lazy("Until"), widget=DATE)

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = certificates.issuing_teams(volunteer)


STATE_CHOICES = [("", gettext_lazy("All")), *Certificate.State.choices]


class MineFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=STATE_CHOICES, required=False)


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name, volunteer or certificate number"), required=False, max_length=50
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), choices=STATE_CHOICES, required=False)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.none(),
        required=False,
        widget=PickerSelect(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = managed_teams(user).order_by("path")


class CheckForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Certificate number"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "ZYZM-2026-000123"}),
    )
    volunteer_no = forms.CharField(
        label=gettext_lazy("Volunteer number"),
        max_length=30,
        help_text=gettext_lazy("As printed on the certificate."),
    )


def _certificate(user, certificate_id, *, handle: bool = False) -> Certificate:
    return get_or_page_error(certificates.certificate_for, user, certificate_id, handle=handle)


def _volunteer_or_none(request):
    return getattr(request.user, "volunteer", None)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _my_page(request, volunteer, form: RequestForm):
    filters = MineFilterForm(request.GET or None)
    qs = certificates.my_certificates(volunteer)
    if filters.is_valid() and filters.cleaned_data["state"]:
        qs = qs.filter(state=filters.cleaned_data["state"])
    return render(
        request,
        "service/certificate_list.html",
        {
            "form": form,
            "filters": filters,
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "query": _query(request),
        },
    )


@login_required
def certificate_list(request):
    volunteer = _volunteer_or_none(request)
    if volunteer is None:
        return redirect("volunteers:register")
    today = timezone.localdate()
    form = RequestForm(
        volunteer=volunteer,
        initial={"period_from": today.replace(month=1, day=1), "period_to": today},
    )
    return _my_page(request, volunteer, form)


@require_POST
@login_required
def certificate_request(request):
    volunteer = _volunteer_or_none(request)
    if volunteer is None:
        return redirect("volunteers:register")
    form = RequestForm(request.POST, volunteer=volunteer)
    if form.is_valid():
        try:
            certificates.request_certificate(
                actor=request.user,
                team=form.cleaned_data["team"],
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request is sent to the team."))
            return redirect("service:certificate_list")
    return _my_page(request, volunteer, form)


@login_required
def certificate_queue(request):
    """The requests of the teams the user manages, to issue or refuse."""
    if not managed_teams(request.user).exists():
        raise DjangoPermissionDenied(_("Only team admins handle certificate requests."))
    filters = QueueFilterForm(
        request.GET or None, user=request.user, initial={"state": Certificate.State.REQUESTED}
    )
    picked = pick_response(request, filters)
    if picked is not None:
        return picked
    data = filters.cleaned_data if filters.is_valid() else {"state": Certificate.State.REQUESTED}
    qs = certificates.certificate_queue(
        request.user,
        certificates.QueueFilter(
            state=data.get("state") or "",
            q=data.get("q") or "",
            team_id=data["team"].pk if data.get("team") else None,
        ),
    )
    return render(
        request,
        "service/certificate_queue.html",
        {
            "filters": filters,
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "query": _query(request),
        },
    )


def _report(request, exc: DomainError) -> None:
    for errors in exc.as_errors().values():
        for error in errors:
            messages.error(request, error)


@require_POST
@login_required
def certificate_issue(request, certificate_id: int):
    certificate = _certificate(request.user, certificate_id, handle=True)
    try:
        certificates.issue_certificate(
            actor=request.user,
            certificate=certificate,
            responsible_person=request.POST.get("responsible_person", ""),
            contact=request.POST.get("contact", ""),
            handler_name=request.POST.get("handler_name", ""),
        )
    except DomainError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The certificate is issued."))
    return redirect("service:certificate_queue")


@require_POST
@login_required
def certificate_refuse(request, certificate_id: int):
    certificate = _certificate(request.user, certificate_id, handle=True)
    try:
        certificates.refuse_certificate(
            actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("The request is refused."))
    return redirect("service:certificate_queue")


def verify_url(request, certificate: Certificate) -> str:
    return request.build_absolute_uri(
        reverse("service:certificate_verify", args=[certificate.verify_token])
    )


@never_cache
@login_required
def certificate_file(request, certificate_id: int, fmt: str):
    """The issued certificate as PDF or PNG: for its volunteer and the issuing team's admins."""
    certificate = _certificate(request.user, certificate_id)
    if certificate.state != Certificate.State.ISSUED:
        raise Http404
    url = verify_url(request, certificate)
    if fmt == "pdf":
        response = HttpResponse(
            certificate_pdf.pdf(certificate, verify_url=url), content_type="application/pdf"
        )
    else:
        image = certificate_pdf.render(certificate, verify_url=url)
        response = HttpResponse(certificate_pdf.png_bytes(image), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.{fmt}"'
    return response


def _verify_page(request, certificate: Certificate | None, *, form: CheckForm, asked: bool):
    response = render(
        request,
        "service/certificate_verify.html",
        {
            "facts": certificates.public_facts(certificate) if certificate else None,
            "asked": asked,
            "form": form,
        },
        status=404 if asked and certificate is None else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def certificate_verify(request, token: str):
    """Public: where the certificate's QR code leads."""
    return _verify_page(request, certificates.genuine_by_token(token), form=CheckForm(), asked=True)


def certificate_check(request):
    """Public: check a certificate by its number (GET ?number=...)."""
    form = CheckForm(request.GET or None)
    if not form.is_valid():
        return _verify_page(request, None, form=form, asked=False)
    try:
        certificate = certificates.genuine_by_number(
            form.cleaned_data["number"],
            form.cleaned_data["volunteer_no"],
            client=client_ip(request),
        )
    except RateLimited as exc:
        form.add_error(None, exc.message)
        response = _verify_page(request, None, form=form, asked=False)
        response.status_code = 429
        return response
    return _verify_page(request, certificate, form=form, asked=True)
