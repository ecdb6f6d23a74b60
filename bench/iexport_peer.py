"""The peer for the import benchmark: the same classes file imported with django-import-export,
the library most Django projects would reach for. Same natural key, same validation outcome."""

from __future__ import annotations

from typing import Any

from import_export import fields, resources, widgets

from edugov.registry.models import Grade, School, SchoolClass, SchoolYear

GRADES = {str(label): int(value) for value, label in Grade.choices}


class GradeWidget(widgets.IntegerWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        text = str(value).strip()
        if text in GRADES:
            return GRADES[text]
        return int(text)


class SchoolYearWidget(widgets.ForeignKeyWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> SchoolYear | None:
        return super().clean(str(value).split("-")[0], row, **kwargs)


class ClassResource(resources.ModelResource):
    school = fields.Field(
        attribute="school", column_name="学校标识码", widget=widgets.ForeignKeyWidget(School, "code")
    )
    school_year = fields.Field(
        attribute="school_year", column_name="学年", widget=SchoolYearWidget(SchoolYear, "start_year")
    )
    grade = fields.Field(attribute="grade", column_name="年级", widget=GradeWidget())
    number = fields.Field(attribute="number", column_name="班号", widget=widgets.IntegerWidget())
    name = fields.Field(attribute="name", column_name="班级名称")
    boys = fields.Field(attribute="boys", column_name="男生数", widget=widgets.IntegerWidget())
    girls = fields.Field(attribute="girls", column_name="女生数", widget=widgets.IntegerWidget())

    class Meta:
        model = SchoolClass
        import_id_fields = ("school", "school_year", "grade", "number")
        fields = ("school", "school_year", "grade", "number", "name", "boys", "girls")
        use_transactions = True
        # Its documented fast path: bulk create/update in batches (still a lookup per row).
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        clean_model_instances = True
