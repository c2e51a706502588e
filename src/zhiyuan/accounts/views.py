"""Pages of one's account: the API tokens (one's own, or a user's for their office admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.accounts import access, services
from zhiyuan.core.pages import get_or_page_error


@login_required
def tokens(request, username: str | None = None):
    owner = (
        get_or_page_error(access.token_owner_for, request.user, username)
        if username is not None
        else request.user
    )
    return render(
        request,
        "accounts/tokens.html",
        {"owner": owner, "tokens": owner.api_tokens.all(), "is_own": owner.pk == request.user.pk},
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_or_page_error(access.token_for, request.user, token_id)
    get_or_page_error(services.revoke_api_token, actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    if token.user_id == request.user.pk:
        return redirect("accounts:tokens")
    return redirect("accounts:user_tokens", username=token.user.username)
