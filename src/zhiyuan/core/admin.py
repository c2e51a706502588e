"""Django admin for the core app's counters (read-only: numbers are never reissued)."""

from django.contrib import admin

from zhiyuan.core.models import Counter


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("name", "value")
    readonly_fields = ("name", "value")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
