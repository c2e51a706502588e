"""Permission-checked getters of accounts: whose API tokens a user may see and revoke."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import ApiToken, User
from zhiyuan.core.errors import NotFound


def may_manage_tokens(actor, owner: User) -> bool:
    """The owner, or an office admin over a region the owner belongs to."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.pk == owner.pk or scopes.administers_user(actor, owner)


def token_owner_for(actor, username: str) -> User:
    """The account whose tokens `actor` asks about; 404 unless they may manage them."""
    owner = User.objects.filter(username=username).first()
    if owner is None or not may_manage_tokens(actor, owner):
        raise NotFound(_("No such user."))
    return owner


def token_for(actor, token_id) -> ApiToken:
    """One API token, if `actor` may manage its owner's tokens (404 otherwise)."""
    try:
        token = ApiToken.objects.select_related("user").get(pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such token.")) from None
    if not may_manage_tokens(actor, token.user):
        raise NotFound(_("No such token."))
    return token
