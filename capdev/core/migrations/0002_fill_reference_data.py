from django.db import migrations


def fill_reference_data(apps, schema_editor):
    from capdev.core.reference import load_reference_data

    load_reference_data(apps.get_model("core", "Region"), apps.get_model("core", "Country"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(fill_reference_data, migrations.RunPython.noop)]
