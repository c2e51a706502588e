"""The inbox page: in-site messages, newest first; the page, once shown, marks the new ones
read (an htmx POST: opening a page never writes)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhiyuan.core.ids import ids_from
from zhiyuan.notifications import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    unread = {m.pk for m in page.object_list if m.read_at is None}
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@require_POST
@login_required
def mark_all_read(request):
    """All messages, or those named (`message`: the new ones an inbox page has shown)."""
    named = "message" in request.POST
    ids = ids_from(request.POST.getlist("message")) if named else None
    services.mark_read(actor=request.user, message_ids=ids)
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_read.html")
    return redirect("notifications:inbox")
