"""Exchange pages: the export for the national system and transfers in (转移接续)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError, NotFound, PermissionDenied
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.core.security import client_ip
from zhiyuan.exchange import access, exports, fields, selectors
from zhiyuan.exchange.files import read_transfer_file
from zhiyuan.exchange.forms import ExchangeExportForm, TransferForm
from zhiyuan.service.transfers import transfer_in
from zhiyuan.spreadsheets.export_jobs import start_export
from zhiyuan.spreadsheets.models import ExportJob

EXPORTS_SHOWN = 5


def _export_form(request, data=None) -> ExchangeExportForm:
    return ExchangeExportForm(data, regions=selectors.export_regions(request.user))


def _page(request, export_form=None, transfer_form=None, row_errors=(), status=200):
    return render(
        request,
        "exchange/index.html",
        {
            "export_form": export_form or _export_form(request),
            "transfer_form": transfer_form or TransferForm(),
            "batches": selectors.transfer_batches(request.user)[:20],
            "exports": selectors.exchange_exports(request.user)[:EXPORTS_SHOWN],
            "row_errors": row_errors,
            "record_types": fields.RECORD_TYPES,
            "transfer_columns": [names[0] for names in fields.TRANSFER_COLUMNS.values()],
            "version": fields.VERSION,
        },
        status=status,
    )


@login_required
def index(request):
    get_or_page_error(access.check_exchange, request.user)
    picked = pick_response(request, _export_form(request))
    if picked is not None:
        return picked
    return _page(request)


@require_POST
@login_required
def export(request):
    get_or_page_error(access.check_exchange, request.user)
    form = _export_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = start_export(
                actor=request.user,
                kind=ExportJob.Kind.EXCHANGE,
                request=exports.ExchangeRequest(
                    region_id=data["region"].pk if data.get("region") else None,
                    start=data["start"],
                    end=data["end"],
                    format=data["format"],
                    reveal=data["reveal"],
                    reason=data["reason"],
                    ip_address=client_ip(request),
                ),
            )
        except NotFound:
            raise Http404 from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("spreadsheets:export_job", job_id=job.pk)
    return _page(request, export_form=form, status=400)


@require_POST
@login_required
def transfer(request):
    get_or_page_error(access.check_exchange, request.user)
    form = TransferForm(request.POST, request.FILES)
    row_errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = transfer_in(
                actor=request.user,
                source=form.cleaned_data["source"],
                filename=upload.name,
                rows=read_transfer_file(upload.name, upload.read()),
            )
        except DomainError as exc:
            errors = exc.as_errors()
            row_errors = [m for key, msgs in errors.items() if key.startswith("row_") for m in msgs]
            if len(row_errors) < sum(len(m) for m in errors.values()):
                add_domain_error(form, exc)
            else:
                form.add_error(
                    None,
                    _("Nothing was transferred: correct these rows and upload the file again."),
                )
        else:
            messages.success(
                request,
                _(
                    "%(added)d records (%(hours)s hours) transferred in from %(source)s; "
                    "%(held)d were already held and were not counted again."
                )
                % {
                    "added": outcome.added,
                    "hours": outcome.added_hours,
                    "source": outcome.batch.source,
                    "held": outcome.already_held,
                },
            )
            return redirect("exchange:index")
    return _page(request, transfer_form=form, row_errors=row_errors, status=400)
