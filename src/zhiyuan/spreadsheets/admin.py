"""Django admin for the words offices write for coded values (the import's synonym list)."""

from django.contrib import admin

from zhiyuan.spreadsheets.models import ValueSynonym


@admin.register(ValueSynonym)
class ValueSynonymAdmin(admin.ModelAdmin):
    list_display = ("field", "text", "value", "created_by", "created_at")
    list_filter = ("field",)
    search_fields = ("text", "value")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
