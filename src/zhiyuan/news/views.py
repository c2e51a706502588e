"""News pages: the public list by column and article page, the cover image, and the editors' pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.news import access, selectors, services
from zhiyuan.news.forms import ArticleForm, CoverForm, ReprintForm
from zhiyuan.news.models import Article
from zhiyuan.teams.selectors import managed_teams


def article_list(request, code: str = ""):
    column = get_or_page_error(access.column_by_code, code) if code else None
    q = request.GET.get("q", "")[:50]
    qs = selectors.published_articles(
        selectors.ArticleFilter(column=column.code if column else "", q=q)
    )
    page = Paginator(qs, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "news/list.html",
        {
            "column": column,
            "columns": selectors.columns(),
            "page": page,
            "q": q,
            "query": f"q={q}" if q else "",
            "may_write": request.user.is_authenticated and access.may_write_any(request.user),
        },
    )


def article_detail(request, article_id: int):
    article = get_or_page_error(access.article_for, request.user, article_id)
    return render(
        request,
        "news/detail.html",
        {
            "article": article,
            "links": selectors.links_of(article),
            "reprints": list(selectors.reprints_of(article)),
            "may_edit": access.may_edit(request.user, article),
        },
    )


def cover(request, article_id: int):
    """The cover of an article visible to the caller, from our storage (no MEDIA_URL needed)."""
    article = get_or_page_error(access.article_for, request.user, article_id)
    if not article.cover:
        raise Http404
    try:
        handle = article.cover.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=article.cover_type or "image/jpeg")
    # cover_url carries the file name, so a new cover gets a new URL: cache for a day.
    response["Cache-Control"] = (
        "public, max-age=86400" if article.is_published else "private, no-store"
    )
    return response


# Editors' pages ---------------------------------------------------------------------------


def _require_writer(request) -> None:
    get_or_page_error(access.check_may_write, request.user)


def _owner_choices(user) -> list[tuple[str, str]]:
    regions = [(f"region:{r.pk}", r.name) for r in services.writer_regions(user)]
    if regions:
        return regions
    teams = managed_teams(user).filter(status="active").order_by("path")
    return [(f"team:{t.pk}", t.name) for t in teams]


def _owner(user, value: str):
    kind, _sep, pk = (value or "").partition(":")
    if kind == "region":
        return services.writer_regions(user).filter(pk=pk).first(), None
    if kind == "team":
        return None, managed_teams(user).filter(pk=pk, status="active").first()
    return None, None


def _links(data) -> dict:
    return {
        "projects": list(data.get("projects") or []),
        "teams": list(data.get("teams") or []),
        "stations": list(data.get("stations") or []),
        "volunteers": data.get("volunteer_numbers") or [],
    }


@login_required
def manage(request):
    _require_writer(request)
    state = request.GET.get("state", "")
    if state not in Article.State.values:
        state = ""
    q = request.GET.get("q", "")[:50]
    qs = selectors.managed_articles(request.user, selectors.ArticleFilter(state=state, q=q))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "news/manage.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": Article.State.choices,
            "query": query.urlencode(),
        },
    )


@login_required
def create(request):
    _require_writer(request)
    owners = _owner_choices(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, owners=owners)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region, team = _owner(request.user, data["owner"])
        try:
            if region is None and team is None:
                raise services.PermissionDenied(_("Choose whom the article is written for."))
            article = services.create_article(
                actor=request.user,
                column=data["column"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                region=region,
                team=team,
                cover=data.get("cover"),
                **_links(data),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The article is saved as a draft."))
            return redirect("news:edit", article_id=article.pk)
    return render(request, "news/form.html", {"form": form, "article": None})


def _initial(article: Article) -> dict:
    links = selectors.links_of(article)
    return {
        "column": article.column,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "projects": links["projects"],
        "teams": links["teams"],
        "stations": links["stations"],
        "volunteer_numbers": " ".join(v.volunteer_no for v in links["volunteers"]),
    }


@login_required
def edit(request, article_id: int):
    article = get_or_page_error(access.article_for, request.user, article_id, edit=True)
    form = ArticleForm(
        request.POST or None,
        request.FILES or None,
        initial=_initial(article),
        column=article.column,
    )
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_article(
                actor=request.user,
                article=article,
                column=data["column"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                **_links(data),
            )
            if data.get("cover"):
                services.set_cover(actor=request.user, article=article, upload=data["cover"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("news:edit", article_id=article.pk)
    return render(request, "news/form.html", _edit_context(request, article, form))


def _edit_context(request, article: Article, form, reprint_form=None) -> dict:
    return {
        "form": form,
        "article": article,
        "may_publish": access.may_publish(request.user, article),
        "reprints": list(selectors.reprints_of(article)),
        "reprint_form": reprint_form or ReprintForm(),
        "cover_form": CoverForm(),
    }


@require_POST
@login_required
def act(request, article_id: int):
    """The buttons of the edit page: publish, withdraw, remove the cover, reprints."""
    article = get_or_page_error(access.article_for, request.user, article_id, edit=True)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.publish_article(actor=request.user, article=article)
            messages.success(request, _("The article is published."))
        elif action == "unpublish":
            services.unpublish_article(actor=request.user, article=article)
            messages.success(request, _("The article is withdrawn from the site."))
        elif action == "remove_cover":
            services.remove_cover(actor=request.user, article=article)
            messages.success(request, _("The cover is removed."))
        elif action == "reprint":
            form = ReprintForm(request.POST)
            if not form.is_valid():
                return _invalid_reprint(request, article, form)
            try:
                services.record_reprint(actor=request.user, article=article, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
                return _invalid_reprint(request, article, form)
            messages.success(request, _("The reprint is recorded."))
        elif action == "delete_reprint":
            reprint = get_or_page_error(
                access.reprint_for, request.user, request.POST.get("reprint")
            )
            if reprint.article_id != article.pk:
                raise Http404
            services.delete_reprint(actor=request.user, reprint=reprint)
            messages.success(request, _("The reprint is deleted."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("news:edit", article_id=article.pk)


def _invalid_reprint(request, article: Article, reprint_form):
    form = ArticleForm(initial=_initial(article), column=article.column)
    context = _edit_context(request, article, form, reprint_form)
    return render(request, "news/form.html", context, status=400)
