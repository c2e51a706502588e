"""Django admin for columns (admins add columns here) and, read-mostly, articles and reprints."""

from django.contrib import admin

from zhiyuan.news.models import Article, Column, Reprint


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


class ReprintInline(admin.TabularInline):
    model = Reprint
    extra = 0
    readonly_fields = ("site_name", "url", "reprinted_on", "recorded_by", "recorded_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # recorded on the article's edit page, where the dates are checked


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Writing goes through the news pages (sanitising, cover checks); here only the list."""

    list_display = ("title", "column", "state", "published_at", "region", "team")
    list_filter = ("state", "column")
    search_fields = ("title",)
    readonly_fields = ("body", "cover", "state", "published_at", "author")
    raw_id_fields = ("projects", "teams", "volunteers", "stations", "region", "team")
    inlines = [ReprintInline]
