"""Pages' helpers: the one place a domain error from an access getter becomes Django's 404
or 403 page, and the paginators of long lists."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from zhiyuan.core import pagecache
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.core.ids import row_id


class CountedPaginator(Paginator):
    """A Paginator whose total is remembered until its tables are written (pagecache.count):
    every page of a list of 70,000 rows no longer counts them all."""

    @cached_property
    def count(self) -> int:
        return pagecache.count(self.object_list)


# The query parameters a SeekPaginator's links carry: a view keeps the others in its links.
SEEK_PARAMETERS = ("page", "after", "before")


class SeekPage(Page):
    """A page whose links name the row next to it (`after`/`before`: an id), so that the next
    and the previous page are found by a seek on the primary key, not by skipping rows."""

    def __init__(self, object_list, number, paginator, *, has_previous: bool, has_next: bool):
        super().__init__(list(object_list), number, paginator)
        self._has_previous = has_previous
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self._has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    @property
    def next_query(self) -> str:
        """The query of the next page's link (includes/pagination.html)."""
        return urlencode({"page": self.number + 1, "after": self.object_list[-1].pk})

    @property
    def previous_query(self) -> str:
        """The query of the previous page's link: the first page by number (it is fresh, with
        the rows added since), any other by the row after it."""
        if self.number <= 2:
            return "page=1"
        return urlencode({"page": self.number - 1, "before": self.object_list[0].pk})


class SeekPaginator(CountedPaginator):
    """Pages of a list ordered newest first by primary key (`order_by("-id")`), found through
    the links of the page before or after: `?page=N&after=ID` is the rows under ID,
    `?page=N&before=ID` the rows over it, each an index seek. Page N by number alone costs a
    skip over (N-1) × per_page rows (SQL OFFSET), which grows with the page and the list
    (page 8,750 of 350,000 volunteers read every row before it); it is still answered, for an
    address typed or kept. N in a link only labels the page ("page N of M"), as the total does.
    """

    def __init__(self, object_list: QuerySet, per_page: int):
        if tuple(object_list.query.order_by) not in {("-id",), ("-pk",)}:
            raise ValueError("SeekPaginator pages a list ordered by -id only")
        super().__init__(object_list, per_page)

    def page_for(self, params: Mapping[str, str]) -> SeekPage:
        """The page the query names; a bad or stale id falls back as a bad page number does
        in Django's get_page (the first page, or the last when past the end)."""
        after, before = row_id(params.get("after")), row_id(params.get("before"))
        try:
            number = self.validate_number(params.get("page"))
        except InvalidPage:
            number = None
        if after is not None:
            rows, more = self.rows_after(after)
            if rows:
                return SeekPage(
                    rows,
                    min(max(number or 2, 2), self.num_pages),
                    self,
                    has_previous=True,
                    has_next=more,
                )
            return self._by_number(self.num_pages)
        if before is not None:
            rows = list(self.object_list.filter(pk__gt=before).reverse()[: self.per_page + 1])
            if len(rows) > self.per_page:
                return SeekPage(
                    rows[: self.per_page][::-1],
                    min(max(number or 2, 2), self.num_pages),
                    self,
                    has_previous=True,
                    has_next=True,
                )
            return self._by_number(1)
        return self._by_number(number or 1)

    def rows_after(self, key: int) -> tuple[list, bool]:
        """The page of rows under the primary key `key`, and whether more follow them."""
        rows = list(self.object_list.filter(pk__lt=key)[: self.per_page + 1])
        return rows[: self.per_page], len(rows) > self.per_page

    def _by_number(self, number: int) -> SeekPage:
        page = self.get_page(number)
        return SeekPage(
            page.object_list,
            page.number,
            self,
            has_previous=page.has_previous(),
            has_next=page.has_next(),
        )


def get_or_page_error(getter, *args, **kwargs):
    """Call a permission-checked getter; NotFound → 404 page, PermissionDenied → 403 page."""
    try:
        return getter(*args, **kwargs)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
