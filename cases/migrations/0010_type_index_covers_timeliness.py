"""case_type_idx includes the columns of "answered on time", so that counting one type's late
requests (the register's filters) reads the index alone (PostgreSQL; SQLite has no INCLUDE)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_reference_at_confirmation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_type_idx',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['request_type'], include=('status', 'closed_at', 'effective_due_date'), name='case_type_idx'),
        ),
    ]
