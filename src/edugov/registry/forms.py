"""Forms of the registry pages: list filters (bad values are reported, never fatal) and the school
edit form, whose choices are limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict

from edugov.accounts.scope import write_scoped

from . import selectors
from .dashboard import limits_for
from .models import Area, AreaLevel, Grade, Locale, Ownership, School, SchoolType, SchoolYear
from .services import SCHOOL_EDITABLE_FIELDS


def _choices(label: str, choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [("", label), *choices]


class FilterForm(forms.Form):
    """A GET filter: invalid fields drop out of `filters` and their messages show on the page."""

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user

    @property
    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}

    def describe(self) -> dict[str, str]:
        """The applied filters in words, for the audit record of an export."""
        return {str(self.fields[k].label or k): str(v) for k, v in self.filters.items()}


class SchoolFilterForm(FilterForm):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    town: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label="乡镇（街道）", queryset=None, required=False, empty_label="全部乡镇"
    )
    school_type = forms.ChoiceField(
        label="办学类型", required=False, choices=_choices("全部类型", SchoolType.choices)
    )
    locale = forms.ChoiceField(label="城乡", required=False, choices=_choices("全部", Locale.choices))
    ownership = forms.ChoiceField(label="举办者", required=False, choices=_choices("全部", Ownership.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town_field = self.fields["town"]
        assert isinstance(town_field, forms.ModelChoiceField)
        town_field.queryset = selectors.area_list(user=self.user).filter(level=AreaLevel.TOWN)
        self.fields["q"].widget.attrs.update({"placeholder": "学校名称或标识码", "type": "search"})


class ClassFilterForm(FilterForm):
    year = forms.ModelChoiceField(
        label="学年", queryset=SchoolYear.objects.all(), required=False, empty_label=None
    )
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label="学校", queryset=None, required=False, empty_label="全部学校"
    )
    grade = forms.TypedChoiceField(
        label="年级",
        required=False,
        coerce=int,
        empty_value=None,
        choices=_choices("全部年级", Grade.choices),
    )
    oversized = forms.BooleanField(label="只看大班额", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        school_field.queryset = selectors.school_list(user=self.user).select_related(None).only("id", "name")
        self.current_year = selectors.current_school_year()
        # the threshold in force where the user works (standards library), not a number in code
        self.limits = limits_for(self.user, school_year=self.current_year)
        self.fields["oversized"].label = f"只看大班额（{self.limits.oversized_min}人及以上）"
        if self.current_year is not None:
            self.fields["year"].initial = self.current_year.pk

    @property
    def filters(self) -> dict[str, Any]:
        found = super().filters
        if "year" not in found and "year" not in self.errors and self.current_year is not None:
            found["year"] = self.current_year
        return found


class TeacherFilterForm(FilterForm):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label="学校", queryset=None, required=False, empty_label="全部学校"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        school_field.queryset = selectors.school_list(user=self.user).select_related(None).only("id", "name")
        self.fields["q"].widget.attrs.update({"placeholder": "姓名或教职工号", "type": "search"})


class SchoolEditForm(forms.Form):
    """The editable fields of a school; the service validates and saves."""

    def __init__(self, data: Any = None, *, user: Any, school: School) -> None:
        super().__init__(data, initial=model_to_dict(school, fields=SCHOOL_EDITABLE_FIELDS))
        self.fields.update(fields_for_model(School, fields=SCHOOL_EDITABLE_FIELDS))
        area = self.fields["area"]
        central = self.fields["central_school"]
        assert isinstance(area, forms.ModelChoiceField) and isinstance(central, forms.ModelChoiceField)
        # A write names only rows its writer may change (the write scope), plus what the school
        # already names: a school administrator keeps the town above its school but cannot pick
        # another one.
        towns = Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True)
        area.queryset = write_scoped(towns, user) | Area.objects.filter(pk=school.area_id)
        centrals = (
            School.objects.filter(is_teaching_point=False, archived_at__isnull=True)
            .exclude(pk=school.pk)
            .only("id", "name")
        )
        current = School.objects.filter(pk__in=[school.central_school_id] if school.central_school_id else [])
        current = current.only("id", "name")
        central.queryset = write_scoped(centrals, user) | current
        central.help_text = "仅教学点填写"
        for name in ("address",):
            self.fields[name].widget.attrs["class"] = "wide"
