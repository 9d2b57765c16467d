"""Each audit event records the key id its hash was keyed with (HMAC-SHA256); events made before have none.

A nullable column with no default, so both databases add it in place: SQLite would rebuild the table for a
column with a default, and rebuilding drops the append-only triggers. No existing row is touched.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_head_moves_to_appended_events")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
    ]
