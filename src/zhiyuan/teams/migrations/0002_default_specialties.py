"""The professional specialties the seed report names; admins add more."""

from django.db import migrations

DEFAULT_SPECIALTIES = [
    ("science", "科普"),
    ("environment", "环保"),
    ("quality", "质量监督"),
    ("safety", "平安"),
    ("fire", "消防"),
    ("health", "卫生"),
    ("culture", "文化"),
    ("blood", "献血"),
]


def add_specialties(apps, schema_editor):
    Specialty = apps.get_model("teams", "Specialty")
    for order, (code, name) in enumerate(DEFAULT_SPECIALTIES):
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]
    operations = [migrations.RunPython(add_specialties, migrations.RunPython.noop)]
