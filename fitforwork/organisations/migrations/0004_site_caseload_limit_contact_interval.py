from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_versions_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="site",
            name="caseload_limit",
            field=models.PositiveSmallIntegerField(
                default=50, help_text="How many open cases a case manager here should hold at most"
            ),
        ),
        migrations.AddField(
            model_name="site",
            name="contact_interval_weeks",
            field=models.PositiveSmallIntegerField(
                default=6,
                help_text="A case with no contact for longer than this many weeks is shown as not contacted",
            ),
        ),
    ]
