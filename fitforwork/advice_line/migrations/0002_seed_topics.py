"""The topics the advice line starts with; administrators change the list after."""

from django.db import migrations

TOPICS = [
    "Managing absence",
    "Adjustments",
    "Mental health at work",
    "Musculoskeletal (MSK)",
    "Fit notes",
    "Returning to work",
    "Legal duties",
    "Other",
]


def seed(apps, schema_editor):
    Topic = apps.get_model("advice_line", "Topic")
    for position, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"position": position})


def unseed(apps, schema_editor):
    apps.get_model("advice_line", "Topic").objects.filter(name__in=TOPICS, contacts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("advice_line", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
