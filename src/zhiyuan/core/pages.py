"""The one place a domain error from an access getter becomes Django's 404 or 403 page."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from zhiyuan.core.errors import NotFound, PermissionDenied


def get_or_page_error(getter, *args, **kwargs):
    """Call a permission-checked getter; NotFound → 404 page, PermissionDenied → 403 page."""
    try:
        return getter(*args, **kwargs)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
