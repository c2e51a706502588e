"""Permission-checked getter for complaints (activities come from projects.access)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import NotFound
from zhiyuan.feedback.models import Complaint
from zhiyuan.feedback.services import may_read


def complaint_for(user, complaint_id) -> Complaint:
    """The complaint if the user may read it (office in charge, team concerned, its filer)."""
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    complaint = Complaint.objects.select_related("region", "team").filter(pk=pk).first()
    if complaint is None or not may_read(user, complaint):
        raise NotFound(_("No such complaint."))
    return complaint
