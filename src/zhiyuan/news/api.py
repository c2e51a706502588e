"""API: public news (columns, articles, reprints) and the editors' endpoints."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.core.ids import RowId
from zhiyuan.news import access, selectors, services
from zhiyuan.news.models import Article, Column
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Project
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import team_for
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["news"])


class ColumnOut(Schema):
    code: str
    name: str
    description: str
    is_active: bool


class ColumnIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=50)
    description: str = Field("", max_length=200)


class ArticleSummaryOut(Schema):
    id: int
    column: str
    title: str
    summary: str
    state: str
    published_at: dt.datetime | None
    cover_url: str
    reprint_count: int = 0
    url: str

    @staticmethod
    def resolve_column(obj) -> str:
        return obj.column.code

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/news/{obj.pk}/"

    @staticmethod
    def resolve_reprint_count(obj) -> int:
        count = getattr(obj, "reprint_count", None)
        return count if count is not None else obj.reprints.count()


class ArticleOut(ArticleSummaryOut):
    body: str
    region_id: int
    team_id: int | None
    cover_width: int | None
    cover_height: int | None
    project_ids: list[int]
    team_ids: list[int]
    volunteer_nos: list[str]
    station_ids: list[int]

    @staticmethod
    def resolve_project_ids(obj) -> list[int]:
        return list(obj.projects.exclude(state="draft").values_list("pk", flat=True))

    @staticmethod
    def resolve_team_ids(obj) -> list[int]:
        return list(obj.teams.values_list("pk", flat=True))

    @staticmethod
    def resolve_volunteer_nos(obj) -> list[str]:
        return list(obj.volunteers.values_list("volunteer_no", flat=True))

    @staticmethod
    def resolve_station_ids(obj) -> list[int]:
        return list(obj.stations.values_list("pk", flat=True))


class ArticleIn(Schema):
    column: str = Field(..., max_length=40)
    title: str = Field(..., max_length=200)
    summary: str = Field("", max_length=300)
    body: str = Field(..., max_length=200_000)
    region_id: int | None = None
    team_id: int | None = None
    project_ids: list[RowId] = []
    team_ids: list[RowId] = []
    volunteer_nos: list[str] = []
    station_ids: list[RowId] = []


class ArticlePatch(Schema):
    column: str | None = Field(None, max_length=40)
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=200_000)
    project_ids: list[RowId] | None = None
    team_ids: list[RowId] | None = None
    volunteer_nos: list[str] | None = None
    station_ids: list[RowId] | None = None


class ArticleQuery(Schema):
    column: str = Field("", max_length=40)
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=100)


class ManagedQuery(ArticleQuery):
    state: Article.State | None = None


class ReprintOut(Schema):
    id: int
    article_id: int
    site_name: str
    url: str
    reprinted_on: dt.date


class ReprintIn(Schema):
    site_name: str = Field(..., max_length=100)
    url: str = Field(..., max_length=500)
    reprinted_on: dt.date


def _column(code: str) -> Column:
    column = Column.objects.filter(code=code).first()
    if column is None:
        raise ValidationFailed({"column": [_("Unknown column.")]})
    return column


def _by_ids(model, ids: list, field: str, *, key: str = "pk") -> list:
    wanted = list(dict.fromkeys(ids))
    rows = {getattr(r, key): r for r in model.objects.filter(**{f"{key}__in": wanted})}
    missing = [str(i) for i in wanted if i not in rows]
    if missing:
        raise ValidationFailed(
            {field: [_("These do not exist: %(ids)s.") % {"ids": ", ".join(missing)}]}
        )
    return [rows[i] for i in wanted]


def _links(payload: dict) -> dict:
    links = {}
    if payload.get("project_ids") is not None:
        links["projects"] = _by_ids(Project, payload["project_ids"], "project_ids")
    if payload.get("team_ids") is not None:
        links["teams"] = _by_ids(Team, payload["team_ids"], "team_ids")
    if payload.get("station_ids") is not None:
        links["stations"] = _by_ids(Station, payload["station_ids"], "station_ids")
    if payload.get("volunteer_nos") is not None:
        links["volunteers"] = _by_ids(
            Volunteer, payload["volunteer_nos"], "volunteer_nos", key="volunteer_no"
        )
    return links


def _page(qs, query):
    start = (query.page - 1) * query.page_size
    return list(qs[start : start + query.page_size])


@router.get("/news/columns", auth=OPTIONAL, response=list[ColumnOut])
def list_columns(request):
    return selectors.columns()


@router.post("/news/columns", response={201: ColumnOut})
def create_column(request, payload: ColumnIn):
    """A new column (district office admins)."""
    return Status(201, services.create_column(actor=request.auth, **payload.dict()))


@router.get("/news/articles", auth=OPTIONAL, response=list[ArticleSummaryOut])
def list_articles(request, query: Query[ArticleQuery]):
    """Published articles, newest first; filter by column code and title text."""
    filters = selectors.ArticleFilter(column=query.column, q=query.q)
    return _page(selectors.published_articles(filters), query)


@router.get("/news/manage/articles", response=list[ArticleSummaryOut])
def list_managed_articles(request, query: Query[ManagedQuery]):
    """Articles the caller may edit, drafts included, most recently changed first."""
    filters = selectors.ArticleFilter(column=query.column, q=query.q, state=query.state or "")
    return _page(selectors.managed_articles(request.auth, filters), query)


@router.get("/news/articles/{article_id}", auth=OPTIONAL, response=ArticleOut)
def get_article(request, article_id: int):
    return access.article_for(request.auth, article_id)


@router.post("/news/articles", response={201: ArticleOut})
def create_article(request, payload: ArticleIn):
    """A new draft: `region_id` for an office's article, `team_id` for a team's story."""
    data = payload.dict()
    team = team_for(request.auth, data["team_id"]) if data["team_id"] is not None else None
    region = None
    if data["region_id"] is not None:
        region = Region.objects.filter(pk=data["region_id"]).first()
        if region is None:
            raise ValidationFailed({"region_id": [_("Unknown region.")]})
    article = services.create_article(
        actor=request.auth,
        column=_column(data["column"]),
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        region=region,
        team=team,
        **_links(data),
    )
    return Status(201, article)


@router.patch("/news/articles/{article_id}", response=ArticleOut)
def update_article(request, article_id: int, payload: ArticlePatch):
    article = access.article_for(request.auth, article_id, edit=True)
    data = payload.dict(exclude_unset=True)
    changes = {k: data[k] for k in ("title", "summary", "body") if data.get(k) is not None}
    if data.get("column") is not None:
        changes["column"] = _column(data["column"])
    changes.update(_links(data))
    return services.update_article(actor=request.auth, article=article, **changes)


@router.post("/news/articles/{article_id}/cover", response=ArticleOut)
def upload_cover(request, article_id: int, cover: File[UploadedFile]):
    """Multipart upload of the cover (JPEG, PNG or WebP, at most 5 MB), checked by content."""
    article = access.article_for(request.auth, article_id, edit=True)
    return services.set_cover(actor=request.auth, article=article, upload=cover)


@router.delete("/news/articles/{article_id}/cover", response=ArticleOut)
def delete_cover(request, article_id: int):
    article = access.article_for(request.auth, article_id, edit=True)
    return services.remove_cover(actor=request.auth, article=article)


@router.post("/news/articles/{article_id}/publish", response=ArticleOut)
def publish_article(request, article_id: int):
    article = access.article_for(request.auth, article_id, publish=True)
    return services.publish_article(actor=request.auth, article=article)


@router.post("/news/articles/{article_id}/unpublish", response=ArticleOut)
def unpublish_article(request, article_id: int):
    article = access.article_for(request.auth, article_id, publish=True)
    return services.unpublish_article(actor=request.auth, article=article)


@router.get("/news/articles/{article_id}/reprints", auth=OPTIONAL, response=list[ReprintOut])
def list_reprints(request, article_id: int):
    return selectors.reprints_of(access.article_for(request.auth, article_id))


@router.post("/news/articles/{article_id}/reprints", response={201: ReprintOut})
def record_reprint(request, article_id: int, payload: ReprintIn):
    """An outside site reprinted the article (office admins of its region)."""
    article = access.article_for(request.auth, article_id, publish=True)
    return Status(
        201, services.record_reprint(actor=request.auth, article=article, **payload.dict())
    )


@router.delete("/news/reprints/{reprint_id}", response={204: None})
def delete_reprint(request, reprint_id: int):
    reprint = access.reprint_for(request.auth, reprint_id)
    services.delete_reprint(actor=request.auth, reprint=reprint)
    return Status(204, None)
