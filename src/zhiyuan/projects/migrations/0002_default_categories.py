"""The project categories the seed report names; admins add more."""

from django.db import migrations

# (code, name, parent code)
DEFAULT_CATEGORIES = [
    ("elderly", "关爱空巢老人", None),
    ("migrant_workers", "关爱农民工", None),
    ("disability", "助残", None),
    ("environment", "环境保护", None),
    ("green_parks", "爱园护绿", "environment"),
    ("mother_river", "关爱母亲河", "environment"),
    ("clean_up", "环境清整", "environment"),
    ("civil_traffic", "文明交通", None),
    ("civility_guidance", "公共文明引导", None),
    ("culture", "文化服务", None),
    ("audio_description", "为盲人讲电影", "culture"),
    ("blood_donation", "献血", None),
    ("community", "社区服务", None),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("projects", "Category")
    by_code = {}
    for order, (code, name, parent) in enumerate(DEFAULT_CATEGORIES):
        by_code[code], _created = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "sort_order": order, "parent": by_code.get(parent)},
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
