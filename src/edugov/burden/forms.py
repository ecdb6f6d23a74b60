"""Page forms of the burden app: they only parse input (Chinese messages); the rules are in the
services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .models import MAX_HOMEWORK_MINUTES, HomeworkType
from .selectors import Assignment

MINUTE_PRESETS = (10, 15, 20, 30, 40)


class HomeworkForm(forms.Form):
    assignment = forms.ChoiceField(
        label="班级与学科", widget=forms.RadioSelect, error_messages={"required": "请选择班级与学科"}
    )
    subject = forms.CharField(label="学科", max_length=32, required=False)
    date = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请选择日期", "invalid": "日期格式不正确"},
    )
    homework_type = forms.ChoiceField(
        label="作业类型",
        choices=HomeworkType.choices,
        initial=HomeworkType.WRITTEN,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择作业类型", "invalid_choice": "作业类型不正确"},
    )
    estimated_minutes = forms.IntegerField(
        label="预计用时（分钟）",
        min_value=1,
        max_value=MAX_HOMEWORK_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_HOMEWORK_MINUTES}),
        error_messages={
            "required": "请填写预计用时",
            "invalid": "预计用时应为整数分钟",
            "min_value": "预计用时至少1分钟",
            "max_value": f"预计用时不能超过{MAX_HOMEWORK_MINUTES}分钟",
        },
    )
    layered = forms.BooleanField(label="分层作业", required=False)
    content = forms.CharField(
        label="作业内容",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={"required": "请填写作业内容", "max_length": "作业内容不超过500字"},
    )

    def __init__(self, *args: Any, assignments: list[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignments = assignments
        self.fields["assignment"].choices = [
            (f"{a.class_id}:{a.subject}", f"{a.class_name} {a.subject or '（班主任）'}") for a in assignments
        ]
        self.fields["assignment"].error_messages["invalid_choice"] = "只能为本人任教的班级发布作业"
        if len(assignments) == 1 and not self.is_bound:
            self.initial["assignment"] = f"{assignments[0].class_id}:{assignments[0].subject}"
        self.initial.setdefault("date", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice = data.get("assignment")
        if choice:
            class_id, _, subject = choice.partition(":")
            data["class_id"] = int(class_id)
            data["subject_value"] = subject or (data.get("subject") or "").strip()
            if not data["subject_value"]:
                self.add_error("subject", "请填写学科")
        return data


class ComplianceFilterForm(forms.Form):
    term = forms.TypedChoiceField(label="学期", coerce=int, required=False)
    town = forms.TypedChoiceField(label="乡镇（街道）", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, terms: list[Any], towns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(t.pk, str(t)) for t in terms]
        self.fields["term"].error_messages["invalid_choice"] = "所选学期不存在"
        self.fields["town"].choices = [("", "全部"), *towns]
        self.fields["town"].error_messages["invalid_choice"] = "所选乡镇不在您的范围内"
