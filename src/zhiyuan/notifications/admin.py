"""Django admin for the outbox (read-only: messages are records of what was sent)."""

from django.contrib import admin

from zhiyuan.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "kind", "subject", "status", "attempts")
    list_filter = ("channel", "status", "kind")
    search_fields = ("subject", "recipient__username")
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
