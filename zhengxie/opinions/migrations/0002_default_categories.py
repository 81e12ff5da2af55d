"""The committee's usual categories of opinion reports, editable afterwards."""

from django.db import migrations

NAMES = ["经济发展", "社会民生", "教育文化", "医疗卫生", "生态环境", "城乡建设", "社会治理", "其他"]


def add(apps, schema_editor):
    category = apps.get_model("opinions", "OpinionCategory")
    for order, name in enumerate(NAMES, start=1):
        category.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("opinions", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
