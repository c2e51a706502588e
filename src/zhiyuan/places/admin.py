"""Django admin for regions."""

from django.contrib import admin

from zhiyuan.places.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "population")
    list_filter = ("level",)
    search_fields = ("name", "code")
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        # Moving a region or changing its code would orphan the paths of everything below it.
        if obj is not None:
            return ("path", "code", "level", "parent")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.path = obj.build_path()
        super().save_model(request, obj, form, change)
