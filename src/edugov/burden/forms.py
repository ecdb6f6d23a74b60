"""Page forms of the burden app: they only parse input (Chinese messages); the rules are in the
services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from edugov.common.formfields import choice_field
from edugov.common.widgets import DateInput
from edugov.registry.models import SchoolClass

from . import rules
from .models import MAX_HOMEWORK_MINUTES, ExamKind, HomeworkType, ProgrammeKind, ResultForm
from .selectors import Assignment

MINUTE_PRESETS = (10, 15, 20, 30, 40)


class HomeworkForm(forms.Form):
    assignment = forms.ChoiceField(
        label="班级与学科", widget=forms.RadioSelect, error_messages={"required": "请选择班级与学科"}
    )
    subject = forms.CharField(label="学科", max_length=32, required=False)
    date = forms.DateField(
        label="日期",
        widget=DateInput(),
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
        choice_field(self, "assignment").choices = [
            (f"{a.class_id}:{a.subject}", f"{a.class_name} {a.subject or '（班主任）'}") for a in assignments
        ]
        self.fields["assignment"].error_messages["invalid_choice"] = "只能为本人任教的班级发布作业"
        if len(assignments) == 1 and not self.is_bound:
            self.initial["assignment"] = f"{assignments[0].class_id}:{assignments[0].subject}"
        self.initial.setdefault("date", timezone.localdate())
        if assignments and all(a.grade in (1, 2) for a in assignments):
            # Grades 1-2 get no written homework: do not preselect the one kind they may not set.
            self.initial.setdefault("homework_type", HomeworkType.ORAL)

    @property
    def limits_note(self) -> str:
        """The written-homework limits as the standards hold them where the teacher's classes are
        (a district file overrides the national one), not numbers in the template."""
        area_path = ""
        if self.assignments:
            found = SchoolClass.objects.filter(pk=self.assignments[0].class_id).values_list(
                "school__area__path", flat=True
            )
            area_path = next(iter(found), "") or ""
        parts = []
        for grade, label in ((1, "一、二年级"), (3, "三至六年级"), (7, "初中")):
            limit = rules.written_limit(grade, area_path=area_path)
            if limit is None:
                continue
            if limit.value == 0:
                parts.append(f"{label}不布置家庭书面作业")
            else:
                parts.append(f"{label}书面作业日均不超过{limit.value:g}分钟")
        return "；".join(parts) + "（各科合计）。" if parts else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
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
        choice_field(self, "term").choices = [(t.pk, str(t)) for t in terms]
        self.fields["term"].error_messages["invalid_choice"] = "所选学期不存在"
        choice_field(self, "town").choices = [("", "全部"), *towns]
        self.fields["town"].error_messages["invalid_choice"] = "所选乡镇不在您的范围内"


class ExamForm(forms.Form):
    """Exam registration by a school (or the bureau for one of its schools)."""

    school = forms.TypedChoiceField(label="学校", coerce=int, required=False)
    term = forms.TypedChoiceField(label="学期", coerce=int, error_messages={"required": "请选择学期"})
    grade = forms.TypedChoiceField(label="年级", coerce=int, error_messages={"required": "请选择年级"})
    subject = forms.CharField(
        label="学科", max_length=32, error_messages={"required": "请填写学科", "max_length": "学科名称过长"}
    )
    kind = forms.ChoiceField(
        label="考试类型",
        choices=ExamKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择考试类型", "invalid_choice": "考试类型不正确"},
    )
    date = forms.DateField(
        label="考试日期",
        widget=DateInput(),
        error_messages={"required": "请选择考试日期", "invalid": "日期格式不正确"},
    )
    is_paper = forms.BooleanField(label="纸笔考试", required=False, initial=True)
    result_form = forms.ChoiceField(
        label="成绩呈现方式",
        choices=ResultForm.choices,
        initial=ResultForm.BANDS,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择成绩呈现方式", "invalid_choice": "成绩呈现方式不正确"},
    )

    def __init__(
        self,
        *args: Any,
        terms: list[Any],
        schools: list[tuple[int, str]] | None,
        grades: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "term").choices = [(t.pk, str(t)) for t in terms]
        self.fields["term"].error_messages["invalid_choice"] = "所选学期不存在"
        choice_field(self, "grade").choices = [(g, f"{g}年级") for g in grades]
        self.fields["grade"].error_messages["invalid_choice"] = "该校不设所选年级"
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].required = True
            choice_field(self, "school").choices = [("", "请选择学校"), *schools]
            self.fields["school"].error_messages.update(
                {"required": "请选择学校", "invalid_choice": "请选择您范围内的学校"}
            )


class AfterSchoolForm(forms.Form):
    """A school's after-school service of one term: schedule, programmes, staff, enrolment."""

    _count = {"required": "请填写人数", "invalid": "请填写整数", "min_value": "不能为负数"}

    programmes = forms.MultipleChoiceField(
        label="服务项目",
        choices=ProgrammeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "服务项目不正确"},
    )
    days_per_week = forms.IntegerField(
        label="每周开展天数",
        min_value=1,
        max_value=7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "请填写每周开展天数",
            "invalid": "请填写整数",
            "min_value": "每周开展天数应为1～7天",
            "max_value": "每周开展天数应为1～7天",
        },
    )
    start_time = forms.TimeField(
        label="每天开始时间",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "请填写开始时间", "invalid": "时间格式应为 时:分"},
    )
    end_time = forms.TimeField(
        label="每天结束时间",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "请填写结束时间", "invalid": "时间格式应为 时:分"},
    )
    flexible_dismissal = forms.BooleanField(label="实行弹性离校（分时段离校）", required=False)
    staff_own = forms.IntegerField(label="参与本校教师（人）", min_value=0, max_value=10000, initial=0,
                                   error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    staff_external = forms.IntegerField(label="校外聘请人员（人）", min_value=0, max_value=10000, initial=0,
                                        error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    pupils_total = forms.IntegerField(label="在校生数", min_value=0, max_value=100000,
                                      error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    pupils_requested = forms.IntegerField(label="有需求（自愿申请）学生数", min_value=0, max_value=100000,
                                          error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    pupils_enrolled = forms.IntegerField(label="参加学生数", min_value=0, max_value=100000,
                                         error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    average_attendance = forms.IntegerField(label="日均出勤人数", min_value=0, max_value=100000,
                                            error_messages={**_count, "max_value": "人数过大"})  # fmt: skip
    fee_per_term = forms.DecimalField(
        label="每生每学期收费（元，不收费留空）",
        required=False,
        min_value=0,
        max_value=100000,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": "请填写金额",
            "min_value": "收费不能为负数",
            "max_value": "收费金额不合理",
            "max_digits": "收费金额不合理",
            "max_decimal_places": "金额最多两位小数",
        },
    )
    satisfaction_percent = forms.DecimalField(
        label="满意度调查结果（%，未调查留空）",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": "满意度应在0～100之间（百分数）",
            "min_value": "满意度应在0～100之间（百分数）",
            "max_value": "满意度应在0～100之间（百分数）",
            "max_digits": "满意度应在0～100之间（百分数）",
            "max_decimal_places": "满意度最多两位小数",
        },
    )

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the service's keyword arguments."""
        d = dict(self.cleaned_data)
        pct = d.pop("satisfaction_percent")
        d["satisfaction_rate"] = None if pct is None else (pct / 100).quantize(Decimal("0.0001"))
        return d

    @classmethod
    def initial_from(cls, service: Any) -> dict[str, Any]:
        data = {k: getattr(service, k) for k in cls.base_fields if k != "satisfaction_percent"}
        rate = service.satisfaction_rate
        data["satisfaction_percent"] = None if rate is None else (rate * 100).quantize(Decimal("0.01"))
        return data
