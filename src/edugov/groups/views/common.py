"""Shared helpers of the groups pages: parse a form's fields, find a scoped group, school or teacher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import write_scoped
from edugov.common.errors import DomainError
from edugov.registry.models import School, Teacher

from .. import selectors, services
from ..errors import GroupsError as E
from ..models import (
    SchoolGroup,
)
from ..permissions import action


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


def _group(request: HttpRequest, pk: int) -> tuple[Any, SchoolGroup]:
    actor = request_actor(request)
    if not (role_may(actor, action("view")) or role_may(actor, action("school_view"))):
        ensure_can(actor, action("view"))
    group = selectors.group_get(actor=actor, pk=pk)
    if group is None:
        raise Http404
    return actor, group


def group_url(group: SchoolGroup) -> str:
    from django.urls import reverse

    return reverse("groups:group", kwargs={"pk": group.pk})


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
