"""Each objective stores whether it contributes to an unarchived objective
(`cible.okrs.alignment`), so that the tree's objectives aligned to nothing are read from a
partial index instead of testing every objective of the cycle for a parent: at 100,000
people, 220,000 of them for the first page of 20."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    objective = apps.get_model("okrs", "Objective")
    links = objective.parents.through
    live_parent = links.objects.filter(
        from_objective=OuterRef("pk"), to_objective__archived_at__isnull=True
    )
    objective.objects.update(aligned=Exists(live_parent))


class Migration(migrations.Migration):
    dependencies = [("okrs", "0006_objective_order_index")]

    operations = [
        migrations.AddField(
            model_name="objective",
            name="aligned",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="objective",
            index=models.Index(
                condition=models.Q(("aligned", False), ("archived_at__isnull", True)),
                fields=["cycle", "level", "position", "id"],
                name="okrs_objective_unaligned",
            ),
        ),
    ]
