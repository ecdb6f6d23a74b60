"""Forms of workforce (师资队伍): the school page's entry form for a mentoring pair (青蓝结对) and
the studio board's form founding a master studio (名师工作室); a school's appraisal results; a
teacher's 区管校聘 choices and appeal; a research community, one of its activities, and a rural
school's remoteness tier; a shadowing placement and its outcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from edugov.accounts.scope import write_scoped
from edugov.registry.models import Locale, School, Teacher

from .models import (
    Appraisal,
    AppraisalGrade,
    CommunityKind,
    MentoringOutcome,
    PostRound,
    ReportCadence,
    ResearchCommunity,
    RoundPost,
    ShadowingPlacement,
    StudioKind,
    TeacherYear,
)
from .rounds import MAX_CHOICES
from .studios import MEMBERS_MAX, SUMMARY_MAX

NOT_OURS = "所选教师不是本校教师"
NOT_MANAGED = "所选教师不在您可维护的学校"


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


class StudioForm(forms.Form):
    """A studio's name, type, lead school and lead teacher (at that school), members and report
    cadence, all among the schools and teachers the writer may change; the service refuses the
    rest (a name taken, too many members) in Chinese."""

    name = forms.CharField(label="工作室名称", max_length=60)
    kind = forms.ChoiceField(label="类型", choices=StudioKind.choices)
    lead_school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label="依托学校",
        error_messages={"invalid_choice": "所选学校不在您可维护的范围"},
    )
    lead = forms.ModelChoiceField(
        queryset=Teacher.objects.none(), label="领衔人", error_messages={"invalid_choice": NOT_MANAGED}
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Teacher.objects.none(),
        label="成员",
        required=False,
        error_messages={"invalid_choice": NOT_MANAGED, "invalid_pk_value": NOT_MANAGED},
    )
    cadence = forms.ChoiceField(
        label="报告周期", choices=ReportCadence.choices, initial=ReportCadence.QUARTERLY
    )
    started_on = forms.DateField(
        label="成立日期",
        error_messages={"invalid": "请按“2026-03-01”的格式填写成立日期"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    plan = forms.CharField(label="工作计划", max_length=SUMMARY_MAX, required=False, widget=forms.Textarea)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, initial={"started_on": timezone.localdate().isoformat()})
        teachers = (
            write_scoped(Teacher, user)
            .filter(archived_at__isnull=True, school__isnull=False)
            .select_related("school")
            .order_by("school__name", "name", "pk")
        )
        schools = (
            write_scoped(School, user).filter(archived_at__isnull=True).only("id", "name").order_by("name")
        )
        for name, rows in (("lead_school", schools), ("lead", teachers), ("members", teachers)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = rows
            field.error_messages["required"] = f"请选择{field.label}"
        for name in ("lead_school", "lead"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = "请选择"
        for name in ("lead", "members"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.label_from_instance = lambda t: f"{t.name}（{t.school.name}）"  # type: ignore[method-assign,assignment]
        self.fields["name"].error_messages["required"] = "请填写工作室名称"
        self.fields["started_on"].error_messages["required"] = "请填写成立日期"
        self.fields["members"].widget.attrs.update({"size": "8"})
        self.fields["plan"].widget.attrs.update({"rows": "3", "class": "wide"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        school, lead = data.get("lead_school"), data.get("lead")
        if school is not None and lead is not None and lead.school_id != school.pk:
            self.add_error("lead", f"{lead.name}不在{school.name}任职，领衔人应为依托学校的教师")
        members = data.get("members")
        if members is not None and len(members) > MEMBERS_MAX:
            self.add_error("members", f"成员不能超过{MEMBERS_MAX}人")
        return data


class AppraisalForm(forms.Form):
    """A school's year of appraisal results: one grade per teacher with a record at the school that
    year (blank: not entered); the service checks the cap on 优秀 and the ethics veto."""

    def __init__(self, data: Any = None, *, school: School, year: Any) -> None:
        super().__init__(data)
        existing = dict(
            Appraisal.objects.filter(school=school, school_year=year).values_list("teacher_id", "grade")
        )
        records = (
            TeacherYear.objects.filter(school=school, school_year=year)
            .select_related("teacher")
            .order_by("teacher__name", "teacher_id")
        )
        choices = [("", "未录入"), *AppraisalGrade.choices]
        for record in records:
            self.fields[f"grade_{record.teacher_id}"] = forms.ChoiceField(
                label=record.teacher.name,
                choices=choices,
                required=False,
                initial=existing.get(record.teacher_id, ""),
                error_messages={"invalid_choice": "考核等次应为优秀、合格、基本合格或不合格"},
            )

    def grades(self) -> dict[int, str]:
        """{teacher id: grade} of the grades entered."""
        return {
            int(name.removeprefix("grade_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("grade_") and value
        }


class RoundChoicesForm(forms.Form):
    """A teacher's 区管校聘 choices, best first: the first required, the second and third optional,
    among the posts of their district's round; the service refuses the rest (a post twice, not a
    在编 teacher) in Chinese."""

    def __init__(self, data: Any = None, *, rnd: PostRound, current: list[RoundPost] | None = None) -> None:
        super().__init__(data)
        posts = RoundPost.objects.filter(round=rnd, posts__gt=0).select_related("school")
        posts = posts.order_by("school__name", "subject", "pk")
        chosen = list(current or [])
        for i in range(1, MAX_CHOICES + 1):
            field = forms.ModelChoiceField(
                queryset=posts,
                label=f"第{i}志愿",
                required=i == 1,
                empty_label="请选择" if i == 1 else "不填",
                initial=chosen[i - 1].pk if len(chosen) >= i else None,
                error_messages={
                    "required": "请至少填报第1志愿",
                    "invalid_choice": "找不到该岗位，请刷新页面后重试",
                },
            )
            field.label_from_instance = _post_label  # type: ignore[method-assign,assignment]
            self.fields[f"choice_{i}"] = field

    def posts(self) -> list[RoundPost]:
        """The posts chosen, best first (blanks skipped)."""
        return [p for i in range(1, MAX_CHOICES + 1) if (p := self.cleaned_data.get(f"choice_{i}"))]


def _post_label(post: RoundPost) -> str:
    return f"{post.school.name} {post.subject}（{post.posts}个岗位）"


class RoundAppealForm(forms.Form):
    """An appeal against the result: the reason, and optionally the post asked for."""

    reason = forms.CharField(
        label="申诉理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"required": "请填写申诉理由", "max_length": "申诉理由不能超过300字"},
    )
    requested_post = forms.ModelChoiceField(
        queryset=RoundPost.objects.none(),
        label="申请岗位",
        required=False,
        empty_label="不指定（申请复核）",
        error_messages={"invalid_choice": "找不到该岗位，请刷新页面后重试"},
    )

    def __init__(self, data: Any = None, *, rnd: PostRound) -> None:
        super().__init__(data)
        field = self.fields["requested_post"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            RoundPost.objects.filter(round=rnd, posts__gt=0)
            .select_related("school")
            .order_by("school__name", "subject", "pk")
        )
        field.label_from_instance = _post_label  # type: ignore[method-assign,assignment]


class CommunityForm(forms.Form):
    """A research community (研修共同体): name, kind, subject (subject communities only), convener
    and members among the teachers the writer may change; the service refuses the rest in Chinese."""

    name = forms.CharField(label="共同体名称", max_length=60)
    kind = forms.ChoiceField(label="类型", choices=CommunityKind.choices)
    subject = forms.ChoiceField(label="学科（学科研修共同体填写）", required=False)
    lead = forms.ModelChoiceField(
        queryset=Teacher.objects.none(), label="召集人", error_messages={"invalid_choice": NOT_MANAGED}
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Teacher.objects.none(),
        label="成员",
        required=False,
        error_messages={"invalid_choice": NOT_MANAGED, "invalid_pk_value": NOT_MANAGED},
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        from .services import SUBJECTS

        super().__init__(data, prefix="community")
        teachers = (
            write_scoped(Teacher, user)
            .filter(archived_at__isnull=True, school__isnull=False)
            .select_related("school")
            .order_by("school__name", "name", "pk")
        )
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)
        subject.choices = [("", "不限学科"), *((s, s) for s in SUBJECTS)]
        subject.error_messages["invalid_choice"] = "请从列表中选择学科"
        for name in ("lead", "members"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = teachers
            field.label_from_instance = lambda t: f"{t.name}（{t.school.name}）"  # type: ignore[method-assign,assignment]
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.empty_label = "请选择"
        lead.error_messages["required"] = "请选择召集人"
        self.fields["name"].error_messages["required"] = "请填写共同体名称"
        self.fields["members"].widget.attrs.update({"size": "8"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CommunityKind.SUBJECT and not data.get("subject"):
            self.add_error("subject", "学科研修共同体请选择学科")
        members = data.get("members")
        if members is not None and len(members) > MEMBERS_MAX:
            self.add_error("members", f"成员不能超过{MEMBERS_MAX}人")
        return data


class ActivityForm(forms.Form):
    """One activity of a research community the writer may change."""

    community = forms.ModelChoiceField(
        queryset=ResearchCommunity.objects.none(),
        label="研修共同体",
        error_messages={"invalid_choice": "所选共同体不在您可维护的范围", "required": "请选择研修共同体"},
    )
    held_on = forms.DateField(
        label="活动日期",
        error_messages={"invalid": "请按“2026-03-01”的格式填写活动日期", "required": "请填写活动日期"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(label="活动主题", max_length=100, error_messages={"required": "请填写活动主题"})
    participants = forms.IntegerField(
        label="参加人数",
        min_value=0,
        max_value=2000,
        initial=0,
        error_messages={
            "invalid": "参加人数应为整数",
            "min_value": "参加人数应为0～2000",
            "max_value": "参加人数应为0～2000",
            "required": "请填写参加人数",
        },
    )
    summary = forms.CharField(label="活动简述", max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, prefix="activity", initial={"held_on": timezone.localdate().isoformat()})
        community = self.fields["community"]
        assert isinstance(community, forms.ModelChoiceField)
        community.queryset = write_scoped(ResearchCommunity, user).order_by("kind", "name", "pk")
        community.empty_label = "请选择"
        self.fields["summary"].widget.attrs.update({"rows": "2", "class": "wide"})


class TierForm(forms.Form):
    """A rural school's remoteness tier (艰苦边远档次, 1-4), which sets its teachers' living allowance."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label="乡村学校",
        error_messages={"invalid_choice": "所选学校不是您可维护的乡村学校", "required": "请选择学校"},
    )
    tier = forms.TypedChoiceField(
        label="艰苦边远档次",
        coerce=int,
        choices=[(n, f"{n}档") for n in range(1, 5)],
        error_messages={"invalid_choice": "艰苦边远档次应为1～4档", "required": "请选择档次"},
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, prefix="tier")
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = (
            write_scoped(School, user)
            .filter(archived_at__isnull=True, locale=Locale.RURAL)
            .only("id", "name")
            .order_by("name")
        )
        school.empty_label = "请选择"


def _teacher_label(t: Teacher) -> str:
    return f"{t.name}（{t.school.name}）" if t.school_id else t.name


class ShadowingForm(forms.Form):
    """A new teacher's shadowing placement: teacher, host school, mentor there (optional), dates and
    goals, among the schools and teachers the writer may change; the service refuses the rest."""

    teacher = forms.ModelChoiceField(
        queryset=Teacher.objects.none(),
        label="跟岗教师",
        error_messages={"invalid_choice": NOT_MANAGED, "required": "请选择跟岗教师"},
    )
    host_school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label="跟岗学校",
        error_messages={"invalid_choice": "所选学校不在您可维护的范围", "required": "请选择跟岗学校"},
    )
    mentor = forms.ModelChoiceField(
        queryset=Teacher.objects.none(),
        label="跟岗导师（跟岗学校的教师）",
        required=False,
        error_messages={"invalid_choice": NOT_MANAGED},
    )
    start_date = forms.DateField(
        label="开始日期",
        error_messages={"invalid": "请按“2026-03-01”的格式填写开始日期", "required": "请填写开始日期"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.DateField(
        label="结束日期",
        error_messages={"invalid": "请按“2026-03-01”的格式填写结束日期", "required": "请填写结束日期"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    goals = forms.CharField(label="跟岗目标", max_length=300, required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, prefix="placement")
        teachers = (
            write_scoped(Teacher, user)
            .filter(archived_at__isnull=True, school__isnull=False)
            .select_related("school")
            .order_by("school__name", "name", "pk")
        )
        fields = {name: self.fields[name] for name in ("teacher", "host_school", "mentor")}
        for name, field in fields.items():
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = "请选择" if name != "mentor" else "暂不指定"
            if name == "host_school":
                field.queryset = (
                    write_scoped(School, user)
                    .filter(archived_at__isnull=True)
                    .only("id", "name")
                    .order_by("name")
                )
            else:
                field.queryset = teachers
                field.label_from_instance = _teacher_label  # type: ignore[method-assign,assignment]
        self.fields["goals"].widget.attrs.update({"class": "wide", "placeholder": "如：学习大单元教学设计"})


class ShadowingOutcomeForm(forms.Form):
    """The outcome of an ongoing placement the writer may change, recorded once."""

    placement = forms.ModelChoiceField(
        queryset=ShadowingPlacement.objects.none(),
        label="跟岗学习",
        error_messages={"invalid_choice": "找不到该跟岗学习或已评定成效", "required": "请选择跟岗学习"},
    )
    outcome = forms.ChoiceField(
        label="跟岗成效",
        choices=[(v, lbl) for v, lbl in MentoringOutcome.choices if v != MentoringOutcome.ONGOING],
        error_messages={"invalid_choice": "请选择合格、优秀或不合格", "required": "请选择跟岗成效"},
    )
    evaluation = forms.CharField(label="考核评价", max_length=300, required=False)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, prefix="outcome")
        placement = self.fields["placement"]
        assert isinstance(placement, forms.ModelChoiceField)
        placement.queryset = write_scoped(ShadowingPlacement, user).filter(outcome=MentoringOutcome.ONGOING)
