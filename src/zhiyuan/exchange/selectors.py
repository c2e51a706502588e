"""Queries that read transfer batches and exchange exports, scoped by the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region
from zhiyuan.service.models import TransferBatch
from zhiyuan.spreadsheets.models import ExportJob
from zhiyuan.spreadsheets.selectors import exports_of


def transfer_batches(user) -> QuerySet[TransferBatch]:
    """Transfers into the regions the user's office runs, newest first."""
    condition = scopes.administered(user, region="region__path")
    return TransferBatch.objects.filter(condition).select_related("imported_by", "region")


def export_regions(user) -> QuerySet[Region]:
    """The regions an export may cover: those the user's office runs, and below them."""
    return Region.objects.filter(scopes.administered(user, region="path")).order_by("path")


def exchange_exports(user) -> QuerySet[ExportJob]:
    """The user's own exchange exports (nobody sees another's), newest first."""
    return exports_of(user).filter(kind=ExportJob.Kind.EXCHANGE)
