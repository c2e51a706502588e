"""Art. 16: the specialised default skills can only be certified by a training course."""

from django.db import migrations

TRAINING_ONLY = ["first_aid", "medical", "psychology", "fire_safety"]


def mark(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    Skill.objects.filter(code__in=TRAINING_ONLY).update(requires_training=True)


def unmark(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    Skill.objects.filter(code__in=TRAINING_ONLY).update(requires_training=False)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0004_skill_requires_training")]
    operations = [migrations.RunPython(mark, unmark)]
