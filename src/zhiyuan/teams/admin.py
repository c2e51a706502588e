"""Django admin for teams, specialties and memberships."""

from django.contrib import admin

from zhiyuan.teams.models import Membership, Specialty, Team


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "kind", "specialty", "region", "join_mode", "status")
    list_filter = ("level", "kind", "status", "join_mode", "specialty")
    search_fields = ("name", "sponsor_unit")
    raw_id_fields = ("parent", "region", "leader")
    readonly_fields = ("path", "parent", "level")

    def has_add_permission(self, request) -> bool:
        # Placement rules (levels, districts, paths) live in services: use the team pages.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "team", "role", "state", "joined_at", "left_at")
    list_filter = ("state", "role")
    search_fields = ("volunteer__real_name", "volunteer__volunteer_no", "team__name")
    raw_id_fields = ("team", "volunteer", "decided_by")
