"""Supervision moved to its own app (edugov.supervision, migration 0001 there): the models leave
rectification's state only. Nothing is dropped: the tables now belong to the supervision models,
which keep their names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('rectification', '0005_item_newest_index'),
        ('supervision', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='supervisionvisit',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='supervisionvisit',
                    name='inspector',
                ),
                migrations.RemoveField(
                    model_name='supervisionvisit',
                    name='school',
                ),
                migrations.DeleteModel(
                    name='SupervisionPlan',
                ),
                migrations.DeleteModel(
                    name='SupervisionVisit',
                ),
            ],
            database_operations=[],
        ),
    ]
