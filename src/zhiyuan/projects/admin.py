"""Django admin for projects, categories, activities, shifts and sign-ups."""

from django.contrib import admin

from zhiyuan.projects.models import (
    Activity,
    ActivitySeries,
    CalendarFeed,
    Category,
    Project,
    Shift,
    SignUp,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "sort_order")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "organiser", "starts_on", "ends_on", "state", "is_brand")
    list_filter = ("state", "is_brand", "category")
    search_fields = ("name",)
    raw_id_fields = ("organiser",)


@admin.register(ActivitySeries)
class ActivitySeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "frequency", "day", "first_date", "last_date")
    raw_id_fields = ("project", "created_by")
    filter_horizontal = ("stations",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "station", "starts_at", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("project", "series", "station")
    date_hierarchy = "starts_at"


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("role", "activity", "starts_at", "capacity", "status")
    raw_id_fields = ("activity",)
    filter_horizontal = ("required_skills",)


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "shift", "state", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("shift", "volunteer")

    def has_add_permission(self, request) -> bool:
        # Capacity, waitlist and overlap rules live in services: sign up on the pages or API.
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("volunteer",)
    raw_id_fields = ("volunteer",)
    readonly_fields = ("token",)
