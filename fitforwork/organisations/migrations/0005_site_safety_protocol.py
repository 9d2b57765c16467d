from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_site_caseload_limit_contact_interval"),
    ]

    operations = [
        migrations.AddField(
            model_name="site",
            name="safety_protocol",
            field=models.TextField(
                blank=True,
                help_text="What staff do when a red flag is raised; shown on the case. Blank: the standard text",
            ),
        ),
    ]
