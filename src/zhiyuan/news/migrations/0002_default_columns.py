"""The columns the district runs today (学雷锋在行动 and the others); admins add more."""

from django.db import migrations

DEFAULT_COLUMNS = [
    ("lei_feng", "学雷锋在行动", "学雷锋志愿服务活动新闻"),
    ("volunteer_stories", "志愿者风采", "优秀志愿者和志愿服务团队的事迹"),
    ("notices", "通知公告", "招募、培训和活动通知"),
    ("project_news", "项目动态", "志愿服务项目的进展"),
    ("exemplars", "典型宣传", "先进典型和表彰"),
]


def add_columns(apps, schema_editor):
    Column = apps.get_model("news", "Column")
    for order, (code, name, description) in enumerate(DEFAULT_COLUMNS):
        Column.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(add_columns, migrations.RunPython.noop)]
