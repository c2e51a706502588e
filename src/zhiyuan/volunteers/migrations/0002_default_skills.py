"""The skills a district asks for most, so a new installation has a usable list."""

from django.db import migrations

DEFAULT_SKILLS = [
    ("guide", "义务指路"),
    ("first_aid", "应急救助"),
    ("order", "秩序维护"),
    ("traffic", "文明交通引导"),
    ("elderly_care", "助老陪护"),
    ("disability_help", "助残服务"),
    ("medical", "医疗卫生"),
    ("psychology", "心理疏导"),
    ("legal", "法律咨询"),
    ("repair", "家电维修"),
    ("haircut", "理发"),
    ("tutoring", "教育辅导"),
    ("science", "科普宣传"),
    ("environment", "环境保护"),
    ("fire_safety", "消防安全"),
    ("culture", "文艺表演"),
    ("audio_description", "为盲人讲电影"),
    ("sign_language", "手语"),
    ("foreign_language", "外语翻译"),
    ("photography", "摄影摄像"),
    ("driving", "驾驶"),
    ("computer", "电脑网络"),
    ("blood_donation", "献血宣传"),
    ("quality_supervision", "质量监督"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for order, (code, name) in enumerate(DEFAULT_SKILLS):
        Skill.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]
