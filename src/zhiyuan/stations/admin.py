"""Django admin for stations and their audits (audits are read-only records)."""

from django.contrib import admin

from zhiyuan.stations.models import Audit, AuditItem, Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "managing_team", "checkin_radius_m", "status")
    list_filter = ("kind", "status", "place_type", "base_level")
    search_fields = ("name", "address", "place_name")
    raw_id_fields = ("region", "managing_team")
    filter_horizontal = ("managers",)
    readonly_fields = ("checkin_token", "latitude", "longitude")

    def has_add_permission(self, request) -> bool:
        # Coordinates are converted and checked against the district: use the station pages.
        return False


class AuditItemInline(admin.TabularInline):
    model = AuditItem
    extra = 0
    can_delete = False
    readonly_fields = ("criterion", "met", "note")


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("station", "audited_on", "compliant", "auditor")
    list_filter = ("compliant",)
    inlines = [AuditItemInline]
    readonly_fields = ("station", "auditor", "audited_on", "compliant", "note")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
