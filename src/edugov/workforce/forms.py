"""Forms of workforce (师资队伍): the school page's entry form for a mentoring pair (青蓝结对)."""

from __future__ import annotations

from typing import Any

from django import forms

from edugov.accounts.scope import write_scoped
from edugov.registry.models import School, Teacher

NOT_OURS = "所选教师不是本校教师"


class MentorPairForm(forms.Form):
    """The mentor and the new teacher, among the school's teachers the writer may change; the
    service refuses the rest (mentor is mentee, already paired) in Chinese."""

    mentor = forms.ModelChoiceField(
        queryset=Teacher.objects.none(), label="指导教师", error_messages={"invalid_choice": NOT_OURS}
    )
    mentee = forms.ModelChoiceField(
        queryset=Teacher.objects.none(), label="新教师", error_messages={"invalid_choice": NOT_OURS}
    )
    goals = forms.CharField(label="培养目标", max_length=300, required=False)

    def __init__(self, data: Any = None, *, user: Any, school: School) -> None:
        super().__init__(data)
        teachers = (
            write_scoped(Teacher, user)
            .filter(school=school, archived_at__isnull=True)
            .only("id", "name")
            .order_by("name", "pk")
        )
        for name in ("mentor", "mentee"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = teachers
            field.empty_label = "请选择"
            field.error_messages["required"] = f"请选择{field.label}"
        self.fields["goals"].widget.attrs.update(
            {"class": "wide", "placeholder": "如：第二学期独立担任班主任"}
        )
