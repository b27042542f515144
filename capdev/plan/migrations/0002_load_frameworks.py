from django.db import migrations


def load(apps, schema_editor):
    from capdev.plan.frameworks import load_frameworks

    load_frameworks(
        apps.get_model("plan", "SDGGoal"),
        apps.get_model("plan", "SDGTarget"),
        apps.get_model("plan", "PBOutcome"),
    )


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
