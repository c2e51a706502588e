"""The award kinds the district gives or receives; admins add more."""

from django.db import migrations

DEFAULT_KINDS = [
    ("outstanding_volunteer", "优秀志愿者", "volunteer"),
    ("five_star_volunteer", "五星志愿者", "volunteer"),
    ("outstanding_team", "优秀志愿服务团队", "team"),
    ("outstanding_organisation", "优秀志愿服务组织", "team"),
    ("outstanding_project", "优秀志愿服务项目", "project"),
    ("service_base", "志愿服务基地", "station"),
    ("outstanding_station", "优秀志愿服务站", "station"),
]


def add_kinds(apps, schema_editor):
    AwardKind = apps.get_model("honours", "AwardKind")
    for order, (code, name, awardee_type) in enumerate(DEFAULT_KINDS):
        AwardKind.objects.get_or_create(
            code=code, defaults={"name": name, "awardee_type": awardee_type, "sort_order": order}
        )


def remove_kinds(apps, schema_editor):
    AwardKind = apps.get_model("honours", "AwardKind")
    AwardKind.objects.filter(code__in=[code for code, _n, _t in DEFAULT_KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
