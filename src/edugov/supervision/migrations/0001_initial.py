"""Supervision moves out of rectification without moving a row: its tables keep their names
(rectification_supervisionplan, _supervisionvisit and the plan's two M2M tables), so this migration
only tells Django's state that the models are now here (rectification 0006 drops them there, state
only). The content types and the audit trail's model labels follow the models, so history recorded
before the move stays linked to them."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("supervisionplan", "supervisionvisit")
AUDIT_LABELS = {"rectification.SupervisionPlan": "supervision.SupervisionPlan",
                "rectification.SupervisionVisit": "supervision.SupervisionVisit"}


def relabel(apps: Any, schema_editor: Any, *, forward: bool = True) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    old, new = ("rectification", "supervision") if forward else ("supervision", "rectification")
    for model in MOVED:
        # The old content type (which permissions and history point at) keeps its id; one made for
        # the new label before this ran (none normally) gives way to it.
        if ContentType.objects.filter(app_label=old, model=model).exists():
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    labels = AUDIT_LABELS if forward else {v: k for k, v in AUDIT_LABELS.items()}
    for before, after in labels.items():
        AuditEvent.objects.filter(model=before).update(model=after)


def relabel_back(apps: Any, schema_editor: Any) -> None:
    relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('rectification', '0005_item_newest_index'),
        ('registry', '0002_ascii_digit_codes'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SupervisionPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='督导计划')),
                        ('kind', models.CharField(choices=[('special', '专项督导'), ('routine', '经常性督导')], max_length=10, verbose_name='类型')),
                        ('checklist_code', models.CharField(max_length=60, verbose_name='督导清单')),
                        ('checklist', models.JSONField(verbose_name='督导清单（计划时副本）')),
                        ('start_date', models.DateField(verbose_name='开始日期')),
                        ('end_date', models.DateField(verbose_name='结束日期')),
                        ('created_at', models.DateTimeField(verbose_name='制定时间')),
                        ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.area', verbose_name='区域')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='制定人')),
                        ('inspectors', models.ManyToManyField(db_table='rectification_supervisionplan_inspectors', related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='督学')),
                        ('schools', models.ManyToManyField(db_table='rectification_supervisionplan_schools', related_name='+', to='registry.school', verbose_name='督导学校')),
                    ],
                    options={
                        'verbose_name': '督导计划',
                        'verbose_name_plural': '督导计划',
                        'db_table': 'rectification_supervisionplan',
                        'ordering': ['-start_date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SupervisionVisit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('visited_on', models.DateField(verbose_name='督导日期')),
                        ('status', models.CharField(choices=[('draft', '填写中'), ('submitted', '已提交')], default='draft', max_length=10, verbose_name='状态')),
                        ('scores', models.JSONField(default=dict, verbose_name='评分')),
                        ('total', models.DecimalField(decimal_places=1, default=0, max_digits=7, verbose_name='得分')),
                        ('max_total', models.DecimalField(decimal_places=1, default=0, max_digits=7, verbose_name='满分')),
                        ('summary', models.TextField(blank=True, verbose_name='总体评价')),
                        ('findings', models.PositiveSmallIntegerField(default=0, verbose_name='发现问题数')),
                        ('created_at', models.DateTimeField(verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(verbose_name='更新时间')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('inspector', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='督学')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='supervision.supervisionplan', verbose_name='督导计划')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.school', verbose_name='学校')),
                    ],
                    options={
                        'verbose_name': '督导记录',
                        'verbose_name_plural': '督导记录',
                        'db_table': 'rectification_supervisionvisit',
                        'ordering': ['-visited_on', '-pk'],
                        'constraints': [models.UniqueConstraint(fields=('plan', 'school'), name='rectification_one_visit_per_school')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel, relabel_back),
    ]
