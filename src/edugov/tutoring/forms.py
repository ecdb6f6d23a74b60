"""Forms of the tutoring pages: they parse and check one request; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from edugov.accounts.models import User
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.formfields import choice_field, model_choice_field
from edugov.common.widgets import DateInput
from edugov.registry.models import Area, AreaLevel

from .models import (
    ActionKind,
    Category,
    ComplaintStatus,
    Course,
    EnforcementAction,
    Inspection,
    Institution,
    InstitutionStatus,
    ListStatus,
    Order,
    Staff,
    UnlicensedSite,
)

DATE = DateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
COMPLAINT_TOPICS = ("退费纠纷", "机构跑路", "违规培训", "无证办学", "虚假宣传", "其他")


def towns_for(user: Any) -> Any:
    """The towns a writer may place an institution or a site in: within their write scope."""
    return write_scoped(Area, user).filter(level=AreaLevel.TOWN, archived_at__isnull=True)


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label="名称或信用代码", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *InstitutionStatus.choices]
    )
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Category.choices])
    list_status = forms.ChoiceField(
        label="名单", required=False, choices=[("", "全部"), ("white", "白名单"), ("black", "黑名单")]
    )


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "credit_code",
            "licence_number",
            "licence_valid_from",
            "licence_valid_to",
            "category",
            "nonprofit_registered",
            "mode",
            "area",
            "address",
            "longitude",
            "latitude",
            "floor_area",
            "legal_representative",
            "contact_phone",
            "custody_mode",
            "custody_bank",
            "custody_account",
            "risk_reserve",
        ]
        widgets = {"licence_valid_from": DATE, "licence_valid_to": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = towns_for(user)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="变更为", choices=InstitutionStatus.choices)
    reason = forms.CharField(label="原因", max_length=200)


class ListForm(forms.Form):
    list_status = forms.ChoiceField(label="名单", choices=ListStatus.choices, required=False)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class UnlicensedForm(forms.ModelForm):
    class Meta:
        model = UnlicensedSite
        fields = ["name", "area", "address", "longitude", "latitude", "found_on", "description"]
        widgets = {"found_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = towns_for(user)


class StaffForm(forms.ModelForm):
    class Meta:
        model = Staff
        fields = [
            "name",
            "id_number",
            "phone",
            "is_tutor",
            "teaches_subject",
            "subject",
            "qualification_number",
            "background_checked",
            "employed_from",
            "employed_to",
        ]
        widgets = {"employed_from": DATE, "employed_to": DATE}


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "name",
            "is_subject",
            "subject",
            "grade_min",
            "grade_max",
            "mode",
            "within_syllabus",
            "class_size_band",
            "lessons",
            "lesson_minutes",
            "price_per_lesson",
            "guidance_price",
            "tutor",
        ]

    def __init__(self, *args: Any, institution: Institution, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "tutor").queryset = write_scoped(Staff, user).filter(
            institution=institution, is_tutor=True
        )


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label="课程", queryset=Course.objects.none())
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME)
    end_time = forms.TimeField(label="结束时间", widget=TIME)

    def __init__(self, *args: Any, institution: Institution, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "course").queryset = write_scoped(Course, user).filter(
            institution=institution
        )


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["course", "pupil_name", "parent_phone", "lessons", "amount", "paid_on", "covers_until"]
        widgets = {"paid_on": DATE, "covers_until": DATE}

    def __init__(self, *args: Any, institution: Institution, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "course").queryset = write_scoped(Course, user).filter(
            institution=institution
        )


class ConsumptionForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    lessons = forms.IntegerField(label="课时数", min_value=1, max_value=1000)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label="退费金额（元）", min_value=0, max_digits=12, decimal_places=2)
    requested_on = forms.DateField(label="申请日期", widget=DATE)


class InspectionForm(forms.ModelForm):
    """The institution comes from the searchable picker (radio buttons named "institution", filled
    by the scoped search view); the officers on site are checkboxes of the eligible users."""

    inspectors = forms.ModelMultipleChoiceField(
        label="检查人员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="现场检查须有两名以上执法人员",
    )

    class Meta:
        model = Inspection
        fields = [
            "institution",
            "unlicensed_site",
            "planned_on",
            "inspected_on",
            "inspectors",
            "findings",
            "compliant",
            "attachment",
            "is_reinspection",
        ]
        widgets = {
            "planned_on": DATE,
            "inspected_on": DATE,
            "institution": forms.HiddenInput,
            "findings": forms.Textarea(attrs={"rows": 3, "cols": 20}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from .selectors import inspector_candidates

        super().__init__(*args, **kwargs)
        model_choice_field(self, "institution").queryset = write_scoped(Institution, user)
        model_choice_field(self, "unlicensed_site").queryset = write_scoped(UnlicensedSite, user)
        candidates = inspector_candidates(actor=user)
        field = model_choice_field(self, "inspectors")
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).select_related("area")
        field.label_from_instance = _officer_label  # type: ignore[method-assign,assignment]
        if user is not None and user.pk in {u.pk for u in candidates} and not self.is_bound:
            self.initial.setdefault("inspectors", [user.pk])

    def selected_institution(self) -> Institution | None:
        return _picked(self)


def _officer_label(obj: Any) -> str:
    return f"{obj}（{obj.area.name}）" if obj.area_id else str(obj)


def _picked(form: forms.BaseForm) -> Institution | None:
    """The institution picked (to show it checked when the form comes back with errors)."""
    raw = str(form.data.get("institution", "")) if form.is_bound else ""
    qs = model_choice_field(form, "institution").queryset
    if not raw.isdigit() or qs is None:
        return None
    found = qs.filter(pk=int(raw)).select_related("area").first()
    return found if isinstance(found, Institution) else None


class EnforcementForm(forms.ModelForm):
    class Meta:
        model = EnforcementAction
        fields = [
            "institution",
            "unlicensed_site",
            "inspection",
            "kind",
            "decided_on",
            "deadline",
            "referred_to",
            "note",
        ]
        widgets = {"decided_on": DATE, "deadline": DATE, "institution": forms.HiddenInput}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "institution").queryset = write_scoped(Institution, user)
        model_choice_field(self, "unlicensed_site").queryset = write_scoped(UnlicensedSite, user)
        model_choice_field(self, "inspection").queryset = write_scoped(Inspection, user)
        choice_field(self, "kind").choices = ActionKind.choices

    def selected_institution(self) -> Institution | None:
        return _picked(self)


class ComplaintPublicForm(forms.Form):
    # Set by "投诉该机构" on an institution's public page: the institution itself, not its name.
    institution = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    institution_name = forms.CharField(label="被投诉机构名称", max_length=100)
    area = forms.ModelChoiceField(label="所在乡镇街道", queryset=Area.objects.none(), required=False)
    topic = forms.ChoiceField(
        label="投诉类别",
        choices=[(t, t) for t in COMPLAINT_TOPICS],
    )
    content = forms.CharField(
        label="投诉内容", widget=forms.Textarea(attrs={"rows": 5}), min_length=10, max_length=2000
    )
    contact_name = forms.CharField(label="联系人", max_length=32)
    contact_phone = forms.RegexField(
        label="联系电话", regex=r"^1\d{10}$", error_messages={"invalid": "手机号应为1开头的11位数字"}
    )
    website = forms.CharField(label="网址", required=False)  # honeypot: people leave it empty

    def __init__(self, *args: Any, institution: Institution | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = Area.objects.filter(
            level=AreaLevel.TOWN, archived_at__isnull=True
        )
        self.fields["contact_phone"].widget.attrs.update(inputmode="numeric", autocomplete="tel")
        self.fields["contact_name"].widget.attrs.update(autocomplete="name")
        if institution is not None:  # preselected from the institution's public page: nothing to type
            self.initial.update(institution=institution.pk, institution_name=institution.name)
            self.fields["institution_name"].required = False
            self.fields["institution_name"].widget = forms.HiddenInput()
            self.fields["area"].widget = forms.HiddenInput()


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *ComplaintStatus.choices])
    area = forms.ModelChoiceField(
        label="乡镇街道", required=False, queryset=Area.objects.none(), empty_label="全部"
    )
    institution = forms.ModelChoiceField(
        label="机构", required=False, queryset=Institution.objects.none(), widget=forms.HiddenInput
    )
    overdue = forms.ChoiceField(
        label="超期",
        required=False,
        choices=[("", "全部"), ("any", "全部超期"), ("accept", "受理超期"), ("handle", "办理超期")],
    )
    start = forms.DateField(label="提交日期起", required=False, widget=DATE)
    end = forms.DateField(label="提交日期止", required=False, widget=DATE)
    topic = forms.ChoiceField(
        label="投诉类别", required=False, choices=[("", "全部"), *((t, t) for t in COMPLAINT_TOPICS)]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = write_scoped(Area, user).filter(
            level=AreaLevel.TOWN, archived_at__isnull=True
        )
        model_choice_field(self, "institution").queryset = scoped(Institution, user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "截止日期不能早于起始日期")
        return data


class ReferForm(forms.Form):
    area = forms.ModelChoiceField(
        label="转办乡镇街道", required=False, queryset=Area.objects.none(), empty_label="（不转乡镇）"
    )
    referred_to = forms.CharField(
        label="转办单位", required=False, max_length=60, help_text="如转乡镇可不填，默认为该乡镇教育办"
    )
    note = forms.CharField(
        label="转办说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2, "cols": 20})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = write_scoped(Area, user).filter(
            level=AreaLevel.TOWN, archived_at__isnull=True
        )


class InvestigateForm(forms.Form):
    investigators = forms.CharField(label="调查人员", max_length=100, help_text="姓名，多人用顿号分隔")
    investigated_on = forms.DateField(label="调查日期", widget=DATE)
    findings = forms.CharField(
        label="调查发现", max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "cols": 20})
    )
    evidence = forms.CharField(
        label="证据材料",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 20}),
        help_text="如询问笔录、收费凭证、现场照片编号",
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="答复内容", widget=forms.Textarea(attrs={"rows": 4, "cols": 20}), max_length=4000
    )


class RateForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=12)
    rating = forms.IntegerField(label="满意度（1～5分）", min_value=1, max_value=5, required=False)


class StatsForm(forms.Form):
    start = forms.DateField(label="起始日期", widget=DATE, required=False)
    end = forms.DateField(label="截止日期", widget=DATE, required=False)
