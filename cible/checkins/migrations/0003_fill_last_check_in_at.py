from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Key results checked in before the field existed get their newest check-in's time."""
    KeyResult = apps.get_model("okrs", "KeyResult")
    CheckIn = apps.get_model("checkins", "CheckIn")
    newest = (
        CheckIn.objects.filter(key_result_id=OuterRef("pk"))
        .values("key_result_id")
        .annotate(newest=Max("created_at"))
        .values("newest")
    )
    KeyResult.objects.filter(check_ins__isnull=False).update(last_check_in_at=Subquery(newest))


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_rhythm"),
        ("okrs", "0008_keyresult_last_check_in_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
