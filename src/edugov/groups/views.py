"""Pages of school groups (集团化办学): the cockpit of every group the actor reads (an officer sets one
up there), a group's page (members, the term's eight unifications, activities, joint classes, the
effect chart) where members record activities and the head keeps plans, and a school's own groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import School, Teacher

from . import selectors, services
from .errors import GroupsError as E
from .models import (
    Activity,
    ActivityKind,
    Evidence,
    GroupKind,
    JointClass,
    Rotation,
    SchoolGroup,
    Unification,
)
from .permissions import action


def _date(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="请填写有效日期（如2026-09-01）") from None


def _int(raw: str, label: str) -> int:
    try:
        return int((raw or "0").strip()[:9])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="应为整数") from None


def _school(actor: Any, raw: str, label: str) -> School | None:
    if not (raw or "").strip():
        return None
    try:
        pk = int(raw.strip()[:12])
    except ValueError:
        raise DomainError(E.BAD_FIELD, field=label, reason="请选择学校") from None
    school = write_scoped(School.objects.all(), actor).filter(pk=pk).first()
    if school is None:
        raise DomainError(E.BAD_FIELD, field=label, reason="学校不存在或不在您的数据范围内")
    return school


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("view"))
    errors: list[str] = []
    may_create = role_may(actor, action("group_edit"))
    if request.method == "POST":
        ensure_can(actor, action("group_edit"))
        try:
            group = services.group_create(
                actor=actor,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                lead_school=_school(actor, request.POST.get("lead_school", ""), "牵头学校"),
                members=[
                    s
                    for raw in request.POST.getlist("members")
                    if (s := _school(actor, raw, "成员学校")) is not None
                ],
                start_date=_date(request.POST.get("start_date", ""), "成立日期"),
            )
            messages.success(request, f"已设立“{group.name}”")
            return redirect("groups:group", pk=group.pk)
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors.append(exc.message)
    groups = list(selectors.group_list(actor=actor))
    term = services.term_of(timezone.localdate())
    rows = []
    for g in groups:
        uni = selectors.unification_rows(g, term)
        rows.append(
            {
                "group": g,
                "ok": sum(1 for r in uni if r.status == "ok"),
                "missing": 8 - sum(1 for r in uni if r.status == "ok"),
            }
        )
    kinds = {k: sum(1 for g in groups if g.kind == k) for k in GroupKind.values}
    return render(
        request,
        "groups/cockpit.html",
        {
            "rows": rows,
            "term": term,
            "kinds": [(label, kinds[k]) for k, label in GroupKind.choices],
            "kind_choices": GroupKind.choices,
            "schools": scoped(School, actor)
            .filter(archived_at__isnull=True, is_teaching_point=False)
            .order_by("name")
            if may_create
            else [],
            "may_create": may_create,
            "errors": errors,
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


def _group(request: HttpRequest, pk: int) -> tuple[Any, SchoolGroup]:
    actor = request_actor(request)
    if not (role_may(actor, action("view")) or role_may(actor, action("school_view"))):
        ensure_can(actor, action("view"))
    group = selectors.group_get(actor=actor, pk=pk)
    if group is None:
        raise Http404
    return actor, group


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    today = timezone.localdate()
    terms = selectors.terms(group, today)
    term = request.GET.get("term", "")
    if term not in terms:
        term = services.term_of(today)
    return _render_group(request, actor, group, term)


def _render_group(
    request: HttpRequest, actor: Any, group: SchoolGroup, term: str, errors: list[str] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    members = selectors.members(group)
    own_schools = [m.school for m in members if can(actor, action("activity_edit"), m.school)]
    effect = selectors.effect(group, actor=actor)
    may_edit = can(actor, action("group_edit"), group)
    may_joint = can(actor, action("joint_class_edit"), group.lead_school)
    current = [m for m in members if m.left_on is None]
    chart = {
        "effect": {
            "key": "effect",
            "title": "与牵头学校的差距",
            "kind": "line",
            "unit": "项",
            "categories": effect.years,
            "series": [{"name": s.school_name, "data": s.gaps} for s in effect.series],
        }
    }
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "members": members,
            "term": term,
            "terms": selectors.terms(group, today),
            "unifications": selectors.unification_rows(group, term),
            "credited": selectors.member_activity(group, term),
            "activities": selectors.activities(group, term)[:50],
            "joint_classes": selectors.joint_classes(group),
            "joint_totals": selectors.joint_totals(group),
            "effect": effect,
            "charts": chart,
            "own_schools": own_schools,
            "may_plan": can(actor, action("plan_edit"), group),
            "may_edit": may_edit and group.end_date is None,
            "may_joint": may_joint and group.end_date is None,
            "current_members": current,
            "add_choices": _school_choices(actor).exclude(pk__in=[m.school_id for m in members])
            if may_edit
            else [],
            "teacher_choices": _teacher_choices(actor, [m.school_id for m in current]) if may_joint else [],
            "evidence": selectors.evidence_files(group, term),
            "kind_choices": GroupKind.choices,
            "measures": selectors.other_measures(group, actor=actor),
            "may_report": can(actor, action("report"), group),
            "unification_choices": Unification.choices,
            "activity_kinds": ActivityKind.choices,
            "today": today,
            "errors": errors or [],
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    ensure_can(actor, action("activity_edit"))
    term = services.term_of(timezone.localdate())
    try:
        school = _school(actor, request.POST.get("school", ""), "承办学校")
        if school is None:
            raise DomainError(E.BAD_FIELD, field="承办学校", reason="请选择学校")
        row = services.activity_record(
            actor=actor,
            group=group,
            school=school,
            unification=request.POST.get("unification", ""),
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            held_on=_date(request.POST.get("held_on", ""), "日期"),
            participants=_int(request.POST.get("participants", ""), "参与人次"),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, term, [exc.message])
    messages.success(request, f"已登记“{row.title}”，计入全部成员校")
    return redirect(f"{group_url(group)}?term={row.term}")


@login_required
@require_POST
def plan_save(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    term = request.POST.get("term", "")
    try:
        services.plan_save(
            actor=actor,
            group=group,
            term=term,
            unification=request.POST.get("unification", ""),
            plan=request.POST.get("plan", ""),
            evidence=request.POST.get("evidence", ""),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, services.term_of(timezone.localdate()), [exc.message])
    messages.success(request, "已保存工作计划")
    return redirect(f"{group_url(group)}?term={term}")


def group_url(group: SchoolGroup) -> str:
    from django.urls import reverse

    return reverse("groups:group", kwargs={"pk": group.pk})


@login_required
def my_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, action("school_view"))
    school = actor.school
    if school is None:
        raise Http404
    groups = list(selectors.groups_of_school(actor=actor, school=school))
    return render(request, "groups/my_school.html", {"school": school, "groups": groups})


def _school_choices(actor: Any) -> Any:
    return (
        write_scoped(School.objects.all(), actor)
        .filter(archived_at__isnull=True, is_teaching_point=False)
        .order_by("name")
    )


def _teacher_choices(actor: Any, school_ids: list[int]) -> Any:
    return (
        write_scoped(Teacher.objects.all(), actor)
        .filter(school_id__in=school_ids)
        .select_related("school")
        .order_by("school__name", "name")[:500]
    )


def _teachers(actor: Any, raws: list[str]) -> list[Teacher]:
    out = []
    for raw in raws[:50]:
        try:
            pk = int(raw.strip()[:12])
        except ValueError:
            raise DomainError(E.BAD_FIELD, field="随班流动教师", reason="请选择教师") from None
        teacher = write_scoped(Teacher.objects.all(), actor).filter(pk=pk).first()
        if teacher is None:
            raise DomainError(E.BAD_FIELD, field="随班流动教师", reason="教师不存在或不在您的数据范围内")
        out.append(teacher)
    return out


def _required_school(actor: Any, raw: str, label: str) -> School:
    school = _school(actor, raw, label)
    if school is None:
        raise DomainError(E.BAD_FIELD, field=label, reason="请选择学校")
    return school


def _current_term(request: HttpRequest) -> str:
    term = request.POST.get("term", "")
    return term if services.TERM_RE.match(term) else services.term_of(timezone.localdate())


@login_required
@require_POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's forms on the group page: edit, end, a member joins or leaves."""
    actor, group = _group(request, pk)
    ensure_can(actor, action("group_edit"), group)
    form = request.POST.get("form", "")
    try:
        if form == "update":
            services.group_update(
                actor=actor,
                group=group,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                lead_school=_school(actor, request.POST.get("lead_school", ""), "牵头学校"),
            )
            done = "已保存集团信息"
        elif form == "end":
            services.group_end(
                actor=actor, group=group, end_date=_date(request.POST.get("end_date", ""), "结束日期")
            )
            done = "集团已结束，成员校同日退出"
        elif form == "add":
            school = _required_school(actor, request.POST.get("school", ""), "成员学校")
            services.member_add(
                actor=actor,
                group=group,
                school=school,
                joined_on=_date(request.POST.get("joined_on", ""), "加入日期"),
            )
            done = f"{school.name}已加入集团"
        elif form == "leave":
            school = _required_school(actor, request.POST.get("school", ""), "成员学校")
            services.member_leave(
                actor=actor,
                group=group,
                school=school,
                left_on=_date(request.POST.get("left_on", ""), "退出日期"),
            )
            done = f"{school.name}已退出集团"
        else:
            raise DomainError(E.BAD_FIELD, field="操作", reason="无法识别")
    except PermissionDenied:
        raise
    except DomainError as exc:
        group.refresh_from_db()
        return _render_group(request, actor, group, _current_term(request), [exc.message])
    messages.success(request, done)
    return redirect(group_url(group))


@login_required
@require_POST
def joint_class_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    ensure_can(actor, action("joint_class_edit"))
    try:
        host = _required_school(actor, request.POST.get("host_school", ""), "承办学校")
        partner = _required_school(actor, request.POST.get("partner_school", ""), "合作学校")
        rotations = []
        if (request.POST.get("stage") or "").strip():
            rotations.append(
                (
                    request.POST.get("stage", ""),
                    host,
                    _date(request.POST.get("stage_start", ""), "阶段开始日期"),
                    _date(request.POST.get("stage_end", ""), "阶段结束日期"),
                )
            )
        row = services.joint_class_create(
            actor=actor,
            group=group,
            name=request.POST.get("name", ""),
            host_school=host,
            partner_school=partner,
            grade=_int(request.POST.get("grade", ""), "年级"),
            pupils=_int(request.POST.get("pupils", ""), "学位数"),
            transported=_int(request.POST.get("transported", ""), "接送学生数"),
            teachers=_teachers(actor, request.POST.getlist("teachers")),
            rotations=rotations,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, _current_term(request), [exc.message])
    messages.success(request, f"已登记联合办班“{row.name}”")
    return redirect(group_url(group))


@login_required
@require_POST
def joint_class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A joint class's counts and moving teachers, and its rotation calendar (add or remove a stage)."""
    actor = request_actor(request)
    ensure_can(actor, action("joint_class_edit"))
    joint = (
        scoped(JointClass, actor)
        .select_related("group", "group__lead_school", "host_school", "partner_school")
        .filter(pk=pk)
        .first()
    )
    if joint is None:
        raise Http404
    group = joint.group
    form = request.POST.get("form", "")
    try:
        if form == "counts":
            services.joint_class_update(
                actor=actor,
                joint_class=joint,
                pupils=_int(request.POST.get("pupils", ""), "学位数"),
                transported=_int(request.POST.get("transported", ""), "接送学生数"),
                teachers=_teachers(actor, request.POST.getlist("teachers")),
            )
            done = "已保存联合办班"
        elif form == "rotation_add":
            where = request.POST.get("school", "")
            school = joint.partner_school if where == str(joint.partner_school_id) else joint.host_school
            services.rotation_add(
                actor=actor,
                joint_class=joint,
                stage=request.POST.get("stage", ""),
                school=school,
                start=_date(request.POST.get("start", ""), "开始日期"),
                end=_date(request.POST.get("end", ""), "结束日期"),
            )
            done = "已添加轮转阶段"
        elif form == "rotation_delete":
            rotation = Rotation.objects.filter(
                joint_class=joint, pk=_int(request.POST.get("rotation", ""), "阶段")
            ).first()
            if rotation is None:
                raise DomainError(E.BAD_FIELD, field="阶段", reason="不存在")
            services.rotation_delete(actor=actor, rotation=rotation)
            done = "已删除轮转阶段"
        else:
            raise DomainError(E.BAD_FIELD, field="操作", reason="无法识别")
    except PermissionDenied:
        raise
    except DomainError as exc:
        if not selectors.may_read(actor, group):
            raise Http404 from None
        return _render_group(request, actor, group, _current_term(request), [exc.message])
    messages.success(request, done)
    return redirect(group_url(group))


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    ensure_can(actor, action("activity_edit"))
    term = _current_term(request)
    try:
        school = _required_school(actor, request.POST.get("school", ""), "上传学校")
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(E.BAD_FIELD, field="文件", reason="请选择要上传的文件")
        activity = None
        raw = (request.POST.get("activity") or "").strip()
        if raw:
            activity = Activity.objects.filter(group=group, pk=_int(raw, "活动")).first()
            if activity is None:
                raise DomainError(E.BAD_FIELD, field="活动", reason="不是本集团的活动")
        row = services.evidence_upload(
            actor=actor,
            group=group,
            school=school,
            term=term,
            unification=request.POST.get("unification", ""),
            upload=upload,
            activity=activity,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, term, [exc.message])
    messages.success(request, f"已上传“{row.original_name}”")
    return redirect(f"{group_url(group)}?term={row.term}")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever reads its group (the bureau, the group head, a member)."""
    actor = request_actor(request)
    row = Evidence.objects.select_related("group").filter(pk=pk).first()
    if row is None or not selectors.may_read(actor, row.group):
        raise Http404("佐证材料不存在或不在您的数据范围内")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("佐证材料文件已丢失") from None
    response = FileResponse(handle, content_type=row.content_type)
    disposition = content_disposition_header(True, row.original_name)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
