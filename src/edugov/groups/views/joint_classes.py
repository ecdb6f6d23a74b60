"""Forms of joint classes: set one up for a group, edit it and its teacher rotation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, PermissionDenied

from .. import selectors, services
from ..errors import GroupsError as E
from ..models import (
    JointClass,
    Rotation,
)
from ..permissions import action
from .common import _current_term, _date, _group, _int, _required_school, _teachers, group_url
from .group import _render_group


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
