"""Forms of the rectification pages: list filters (bad values dropped and reported, never fatal),
the item entry form, and the workflow action form."""

from __future__ import annotations

from typing import Any

from django import forms

from edugov.accounts.models import Department
from edugov.accounts.scope import write_scoped
from edugov.common.widgets import DateInput
from edugov.registry.forms import FilterForm
from edugov.registry.models import Area, AreaLevel, School
from edugov.registry.selectors import area_list, school_list

from .models import ItemSource, ItemStatus, Severity, UnitKind


def _choices(label: str, choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return [("", label), *choices]


class ItemFilterForm(FilterForm):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    source = forms.ChoiceField(label="来源", required=False, choices=_choices("全部来源", ItemSource.choices))
    department = forms.ChoiceField(
        label="主管科室", required=False, choices=_choices("全部科室", Department.choices)
    )
    status = forms.ChoiceField(label="状态", required=False, choices=_choices("全部状态", ItemStatus.choices))
    severity = forms.ChoiceField(label="严重程度", required=False, choices=_choices("全部", Severity.choices))
    unit_kind = forms.ChoiceField(
        label="单位类型", required=False, choices=_choices("全部", UnitKind.choices)
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"placeholder": "问题标题或责任单位", "type": "search"})


class ItemCreateForm(forms.Form):
    source = forms.ChoiceField(
        label="问题来源",
        choices=[c for c in ItemSource.choices if c[0] not in (ItemSource.DATA, ItemSource.TASK)],
    )
    unit_kind = forms.ChoiceField(
        label="责任单位类型", choices=[c for c in UnitKind.choices if c[0] != UnitKind.INSTITUTION]
    )
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label="责任学校", queryset=None, required=False, empty_label="（选择学校）"
    )
    town: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label="责任乡镇（街道）", queryset=None, required=False, empty_label="（选择乡镇）"
    )
    title = forms.CharField(label="问题标题", max_length=200)
    evidence = forms.CharField(label="问题依据", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    required_action = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ChoiceField(label="主管科室", choices=Department.choices)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.MEDIUM)
    deadline = forms.DateField(label="整改期限", widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The item names its unit: only units in the writer's write scope are offered.
        schools = school_list(user=user).filter(pk__in=write_scoped(School, user).values("pk"))
        towns = area_list(user=user).filter(
            level=AreaLevel.TOWN, pk__in=write_scoped(Area, user).values("pk")
        )
        self.fields["school"].queryset = schools.select_related(None).only("id", "name")  # type: ignore[attr-defined]
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("unit_kind")
        if kind == UnitKind.SCHOOL and not data.get("school"):
            self.add_error("school", "请选择责任学校")
        if kind == UnitKind.AREA and not data.get("town"):
            self.add_error("town", "请选择责任乡镇（街道）")
        return data


class ActionForm(forms.Form):
    comment = forms.CharField(
        label="说明", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label="整改期限", required=False, widget=DateInput())
    responsible_name = forms.CharField(label="责任人", required=False, max_length=64)
