from django.db import migrations

KINDS = [
    ("plenary", "全体会议"),
    ("standing_committee", "常委会议"),
    ("chairs_meeting", "主席会议"),
    ("consultation", "专题协商会"),
    ("inspection", "视察"),
    ("research", "调研"),
    ("training", "培训"),
    ("seminar", "理论研讨"),
    ("sector_activity", "界别活动"),
    ("appraisal", "民主评议"),
    ("online_deliberation", "网络议政"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    ActivityKind = apps.get_model("duty", "ActivityKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        ActivityKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
