"""Choices only: a task raised by a red flag in a client's answers (the assessments app makes it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="task",
            name="kind",
            field=models.CharField(
                choices=[
                    ("first_contact", "First contact"),
                    ("assessment", "Assessment"),
                    ("review", "Review"),
                    ("case_length", "Case length limit"),
                    ("manual", "Task"),
                    ("red_flag", "Red flag"),
                ],
                max_length=20,
            ),
        ),
    ]
