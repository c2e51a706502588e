"""Pages' helpers: the one place a domain error from an access getter becomes Django's 404
or 403 page, and the paginator of long lists."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property

from zhiyuan.core import pagecache
from zhiyuan.core.errors import NotFound, PermissionDenied


class CountedPaginator(Paginator):
    """A Paginator whose total is remembered until its tables are written (pagecache.count):
    every page of a list of 70,000 rows no longer counts them all."""

    @cached_property
    def count(self) -> int:
        return pagecache.count(self.object_list)


def get_or_page_error(getter, *args, **kwargs):
    """Call a permission-checked getter; NotFound → 404 page, PermissionDenied → 403 page."""
    try:
        return getter(*args, **kwargs)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
