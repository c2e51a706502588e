"""Django admin for attendance, records (read-only: corrections are new versions), requests,
totals and certificates."""

from django.contrib import admin

from zhiyuan.service.models import (
    Attendance,
    Certificate,
    CorrectionRequest,
    HoursTotal,
    ServiceRecord,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly):
    list_display = (
        "volunteer",
        "shift",
        "station",
        "method",
        "checked_in_at",
        "checked_out_at",
        "auto_checked_out",
    )
    list_filter = ("method", "auto_checked_out")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnly):
    list_display = (
        "volunteer",
        "served_on",
        "hours",
        "source",
        "state",
        "version",
        "is_current",
        "team",
    )
    list_filter = ("state", "source", "is_current")
    search_fields = ("volunteer__volunteer_no", "volunteer__real_name", "content")


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnly):
    list_display = ("volunteer", "hours", "state", "team", "created_at")
    list_filter = ("state",)


@admin.register(HoursTotal)
class HoursTotalAdmin(ReadOnly):
    list_display = ("volunteer", "approved_hours", "star_level", "updated_at")
    list_filter = ("star_level",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnly):
    list_display = (
        "number",
        "volunteer",
        "team",
        "period_from",
        "period_to",
        "total_hours",
        "state",
        "issued_on",
    )
    list_filter = ("state",)
    search_fields = ("number", "volunteer__volunteer_no")
