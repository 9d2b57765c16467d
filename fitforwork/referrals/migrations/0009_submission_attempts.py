from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0008_submission_body_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="attempts",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
