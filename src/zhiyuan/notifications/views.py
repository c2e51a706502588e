"""The inbox page: in-site messages, newest first; opening it marks them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhiyuan.notifications import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    unread = {m.pk for m in page.object_list if m.read_at is None}
    # Marked read before rendering, so the navigation's unread badge is already right.
    services.mark_read(actor=request.user, message_ids=unread)
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@require_POST
@login_required
def mark_all_read(request):
    services.mark_read(actor=request.user)
    return redirect("notifications:inbox")
