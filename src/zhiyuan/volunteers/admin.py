"""Django admin for volunteers and skills; encrypted fields show masked only."""

from django.contrib import admin

from zhiyuan.volunteers.models import Skill, Volunteer


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    search_fields = ("name", "code")


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = (
        "volunteer_no",
        "real_name",
        "id_number_masked",
        "phone_masked",
        "community",
        "status",
    )
    list_filter = ("status", "political_status", "gender")
    search_fields = ("volunteer_no", "real_name")
    raw_id_fields = ("user", "community", "reviewed_by")
    filter_horizontal = ("skills",)
    readonly_fields = (
        "volunteer_no",
        "id_type",
        "id_number_masked",
        "phone_masked",
        "birth_date",
        "gender",
        "consent_version",
        "consented_at",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    )
    exclude = ("id_number_encrypted", "id_number_index", "phone_encrypted", "phone_index")

    def has_add_permission(self, request) -> bool:
        # Registration validates and encrypts the documents: use the register page or API.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
