"""区管校聘 (district-managed, school-hired): the district's pool of posts and its yearly round of
post assignment (issue 15 item 4). The personnel department opens a round for a school year, fixes
each school's posts by subject, opens the choosing; each 在编 teacher chooses up to three posts
(rank 1-3); the assignment places teachers one by one in order of service (earliest start of work
first, then the longer at their school, then the staff record) on their best choice with a post
left; a teacher whose choices are all full is not placed (待岗, the district places them later).
Then appeals (one per result: the teacher asks for another post that still has room, or a review),
and the round closes. Every step is an audit entry in Chinese; `trail` reads them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction, AuditEvent
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School, SchoolYear, Teacher

from .errors import WorkforceError as E
from .models import (
    AppealStatus,
    EmploymentType,
    PostRound,
    RoundAppeal,
    RoundChoice,
    RoundPost,
    RoundResult,
    RoundStatus,
    TeacherYear,
)
from .permissions import action

MAX_CHOICES = 3


def _ensure(actor: User | None, obj: Any = None) -> None:
    if actor is not None:
        ensure_can(actor, action("round_edit"), obj)


def _step(rnd: PostRound, actor: User | None, step: str, **details: Any) -> None:
    """One entry of the round's trail: the step's Chinese name and what it did."""
    audit_record(
        action=AuditAction.UPDATE,
        instance=rnd,
        changes={"after": {"步骤": step, "阶段": RoundStatus(rnd.status).label, **details}},
        actor=actor,
    )


def _status(rnd: PostRound, *allowed: str) -> None:
    if rnd.status not in allowed:
        raise DomainError(
            E.ROUND_STEP,
            now=RoundStatus(rnd.status).label,
            need="、".join(RoundStatus(a).label for a in allowed),
        )


@transaction.atomic
def round_open(*, actor: User | None, district: Area, year: SchoolYear) -> PostRound:
    _ensure(actor, district)
    if PostRound.objects.filter(district=district, school_year=year).exists():
        raise DomainError(E.ROUND_EXISTS, year=str(year))
    rnd = PostRound.objects.create(district=district, school_year=year)
    _step(rnd, actor, "创建轮次", 学年=str(year))
    return rnd


@transaction.atomic
def posts_set(
    *, actor: User | None, rnd: PostRound, school: School, subject: str, posts: int
) -> RoundPost | None:
    """Fix a school's posts of a subject (0 removes the line). Only while posts are being fixed."""
    from .services import check_subject

    rnd = PostRound.objects.select_for_update().get(pk=rnd.pk)
    _ensure(actor, school)
    _status(rnd, RoundStatus.DRAFT)
    subject = check_subject(subject)
    if not 0 <= posts <= 200:
        raise DomainError(E.BAD_FIELD, field="岗位数", reason="应为0～200")
    district = rnd.district
    if district is not None and not (school.area and school.area.path.startswith(district.path)):
        raise DomainError(E.BAD_FIELD, field="学校", reason="不在本区县")
    if posts == 0:
        RoundPost.objects.filter(round=rnd, school=school, subject=subject).delete()
        _step(rnd, actor, "核定岗位", 学校=school.name, 学科=subject, 岗位数=0)
        return None
    row, _ = RoundPost.objects.update_or_create(
        round=rnd, school=school, subject=subject, defaults={"posts": posts}
    )
    _step(rnd, actor, "核定岗位", 学校=school.name, 学科=subject, 岗位数=posts)
    return row


@transaction.atomic
def choosing_open(*, actor: User | None, rnd: PostRound) -> PostRound:
    rnd = PostRound.objects.select_for_update().get(pk=rnd.pk)
    _ensure(actor, rnd)
    _status(rnd, RoundStatus.DRAFT)
    total = sum(rnd.posts.values_list("posts", flat=True))
    if not total:
        raise DomainError(E.ROUND_NO_POSTS)
    rnd.status = RoundStatus.CHOOSING
    rnd.save(update_fields=["status"])
    _step(rnd, actor, "开放选岗", 学校数=rnd.posts.values("school").distinct().count(), 岗位总数=total)
    return rnd


def _record(teacher: Teacher, year: SchoolYear) -> TeacherYear | None:
    return TeacherYear.objects.filter(teacher=teacher, school_year=year).first()


def may_choose(actor: User, teacher: Teacher) -> bool:
    return can(actor, action("round_edit"), teacher.school) if teacher.school_id else False


@transaction.atomic
def choices_submit(
    *, actor: User | None, rnd: PostRound, teacher: Teacher, posts: Sequence[RoundPost]
) -> list[RoundChoice]:
    """A teacher's choices, best first (replacing earlier ones): the teacher themselves or the
    personnel department. Refused in Chinese: outside the choosing, not a 在编 teacher with a
    record this year, none or more than three, one twice, a post of another round."""
    rnd = PostRound.objects.select_for_update().get(pk=rnd.pk)
    if actor is not None and not (actor.teacher_id == teacher.pk and can(actor, action("round_choose"))):
        ensure_can(actor, action("round_edit"), rnd)
    _status(rnd, RoundStatus.CHOOSING)
    record = _record(teacher, rnd.school_year)
    if record is None or record.employment_type != EmploymentType.ESTABLISHED:
        raise DomainError(E.ROUND_NOT_ELIGIBLE, name=teacher.name)
    if not 1 <= len(posts) <= MAX_CHOICES:
        raise DomainError(E.ROUND_CHOICES, maximum=MAX_CHOICES)
    if len({p.pk for p in posts}) != len(posts):
        raise DomainError(E.ROUND_CHOICE_TWICE)
    if any(p.round_id != rnd.pk for p in posts):
        raise DomainError(E.ROUND_LINE_UNKNOWN)
    RoundChoice.objects.filter(round=rnd, teacher=teacher).delete()
    rows = RoundChoice.objects.bulk_create(
        RoundChoice(round=rnd, teacher=teacher, rank=i, post=p) for i, p in enumerate(posts, start=1)
    )
    _step(
        rnd,
        actor,
        "教师选岗",
        教师=teacher.name,
        志愿=[f"{p.school.name}{p.subject}" for p in posts],
    )
    return rows


def service_key(record: TeacherYear | None, teacher_id: int) -> tuple[dt.date, int, int]:
    """Order of placement: earliest start of work, then earliest arrival at the school, then the
    staff record (the unknown last)."""
    joined = record.joined_on if record and record.joined_on else dt.date.max
    since = record.school_since if record and record.school_since else 9999
    return (joined, since, teacher_id)


def place(
    choices: dict[int, list[int]], capacity: dict[int, int], order: Iterable[int]
) -> dict[int, tuple[int | None, int | None]]:
    """Serial placement: each teacher in `order` gets their best choice (post ids, best first)
    with a place left; {teacher: (post or None, rank or None)}. Pure, for the tests."""
    left = dict(capacity)
    out: dict[int, tuple[int | None, int | None]] = {}
    for teacher in order:
        out[teacher] = (None, None)
        for rank, post in enumerate(choices.get(teacher, []), start=1):
            if left.get(post, 0) > 0:
                left[post] -= 1
                out[teacher] = (post, rank)
                break
    return out


@transaction.atomic
def assign(*, actor: User | None, rnd: PostRound) -> list[RoundResult]:
    rnd = PostRound.objects.select_for_update().get(pk=rnd.pk)
    _ensure(actor, rnd)
    _status(rnd, RoundStatus.CHOOSING)
    choices: dict[int, list[int]] = {}
    for teacher_id, post_id in rnd.choices.order_by("teacher_id", "rank").values_list(
        "teacher_id", "post_id"
    ):
        choices.setdefault(teacher_id, []).append(post_id)
    if not choices:
        raise DomainError(E.ROUND_NO_CHOICES)
    records = {
        r.teacher_id: r
        for r in TeacherYear.objects.filter(school_year=rnd.school_year, teacher_id__in=list(choices))
    }
    order = sorted(choices, key=lambda t: service_key(records.get(t), t))
    placed = place(choices, dict(rnd.posts.values_list("pk", "posts")), order)
    results = RoundResult.objects.bulk_create(
        RoundResult(round=rnd, teacher_id=t, post_id=post, rank=rank, school_id=records[t].school_id)
        for t, (post, rank) in placed.items()
    )
    rnd.status = RoundStatus.ASSIGNED
    rnd.save(update_fields=["status"])
    _step(
        rnd,
        actor,
        "公布聘用结果",
        选岗教师=len(placed),
        第一志愿=sum(1 for _p, r in placed.values() if r == 1),
        未聘待岗=sum(1 for p, _r in placed.values() if p is None),
    )
    return results


def room(post: RoundPost) -> int:
    return post.posts - post.results.count()


@transaction.atomic
def appeal_file(
    *, actor: User | None, result: RoundResult, reason: str, requested_post: RoundPost | None = None
) -> RoundAppeal:
    rnd = PostRound.objects.select_for_update().get(pk=result.round_id)
    if actor is not None and not (
        actor.teacher_id == result.teacher_id and can(actor, action("round_choose"))
    ):
        ensure_can(actor, action("round_edit"), rnd)
    _status(rnd, RoundStatus.ASSIGNED)
    text = (reason or "").strip()
    if not text or len(text) > 300:
        raise DomainError(E.REASON_REQUIRED, what="申诉理由（不超过300字）")
    if requested_post is not None and requested_post.round_id != rnd.pk:
        raise DomainError(E.ROUND_LINE_UNKNOWN)
    if RoundAppeal.objects.filter(result=result).exists():
        raise DomainError(E.ROUND_APPEALED)
    appeal = RoundAppeal.objects.create(round=rnd, result=result, reason=text, requested_post=requested_post)
    _step(
        rnd,
        actor,
        "教师申诉",
        教师=result.teacher.name,
        申请岗位=f"{requested_post.school.name}{requested_post.subject}" if requested_post else "复核",
        理由=text,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User | None, appeal: RoundAppeal, upheld: bool, note: str = "") -> RoundAppeal:
    """Uphold (the teacher moves to the requested post, if it has a place left) or reject."""
    appeal = (
        RoundAppeal.objects.select_for_update(of=("self",))
        .select_related("result", "requested_post")
        .get(pk=appeal.pk)
    )
    rnd = PostRound.objects.select_for_update().get(pk=appeal.round_id)
    _ensure(actor, rnd)
    _status(rnd, RoundStatus.ASSIGNED)
    if appeal.status != AppealStatus.PENDING:
        raise DomainError(E.NOT_PENDING)
    note = (note or "").strip()[:300]
    moved = ""
    if upheld and appeal.requested_post is not None:
        post = RoundPost.objects.select_for_update().get(pk=appeal.requested_post.pk)
        if room(post) <= 0:
            raise DomainError(E.ROUND_FULL, post=f"{post.school.name}{post.subject}")
        result = appeal.result
        result.post, result.rank = post, None
        result.save(update_fields=["post", "rank"])
        moved = f"{post.school.name}{post.subject}"
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.decision_note = note
    appeal.save(update_fields=["status", "decision_note"])
    _step(
        rnd,
        actor,
        "申诉复核",
        教师=appeal.result.teacher.name,
        结论=AppealStatus(appeal.status).label,
        **({"调整至": moved} if moved else {}),
        意见=note,
    )
    return appeal


@transaction.atomic
def round_close(*, actor: User | None, rnd: PostRound) -> PostRound:
    rnd = PostRound.objects.select_for_update().get(pk=rnd.pk)
    _ensure(actor, rnd)
    _status(rnd, RoundStatus.ASSIGNED)
    if rnd.appeals.filter(status=AppealStatus.PENDING).exists():
        raise DomainError(E.ROUND_APPEALS_OPEN)
    rnd.status = RoundStatus.CLOSED
    rnd.save(update_fields=["status"])
    _step(
        rnd,
        actor,
        "结束轮次",
        聘用=rnd.results.filter(post__isnull=False).count(),
        待岗=rnd.results.filter(post__isnull=True).count(),
    )
    return rnd


# --- reads ---


def rounds(*, actor: Any) -> QuerySet[PostRound]:
    return scoped(PostRound, actor).select_related("school_year", "district")


def round_for_teacher(teacher: Teacher, pk: Any) -> PostRound:
    """A round of the teacher's district (404 for any other: a teacher sees no rounds in lists)."""
    from django.http import Http404

    school = School.objects.select_related("area").filter(pk=teacher.school_id).first()
    rnd = PostRound.objects.select_related("district").filter(pk=pk if str(pk).isdigit() else 0).first()
    if rnd is None or school is None or school.area is None or rnd.district is None:
        raise Http404
    if not school.area.path.startswith(rnd.district.path):
        raise Http404
    return rnd


def round_posts(*, actor: Any, rnd: PostRound) -> list[tuple[RoundPost, int, int]]:
    """Each post line with the choices naming it and the teachers placed on it."""
    rows = (
        scoped(RoundPost, actor)
        .filter(round=rnd)
        .select_related("school")
        .annotate(n_choices=Count("choices", distinct=True), n_placed=Count("results", distinct=True))
        .order_by("school__name", "subject")
    )
    return [(p, int(getattr(p, "n_choices", 0)), int(getattr(p, "n_placed", 0))) for p in rows]


def round_results(*, actor: Any, rnd: PostRound) -> QuerySet[RoundResult]:
    return (
        scoped(RoundResult, actor)
        .filter(round=rnd)
        .select_related("teacher", "school", "post", "post__school")
        .order_by("school__name", "teacher__name")
    )


def round_appeals(*, actor: Any, rnd: PostRound) -> QuerySet[RoundAppeal]:
    return (
        scoped(RoundAppeal, actor)
        .filter(round=rnd)
        .select_related("result__teacher", "result__post__school", "requested_post__school")
    )


@dataclass(frozen=True)
class TrailEntry:
    at: dt.datetime
    actor: str
    step: str
    details: list[tuple[str, str]]


def trail(rnd: PostRound) -> list[TrailEntry]:
    """The round's steps in order, as audited (who, when, what), in Chinese."""
    out = []
    for e in AuditEvent.objects.filter(model=PostRound._meta.label, object_id=str(rnd.pk)).order_by(
        "at", "pk"
    ):
        after = dict((e.changes or {}).get("after", {}))
        step = str(after.pop("步骤", "变更"))
        after.pop("阶段", None)
        details = [(k, "、".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in after.items()]
        out.append(TrailEntry(e.at, e.actor_name or "系统", step, details))
    return out


def open_round_for_teacher(teacher: Teacher) -> PostRound | None:
    """The latest round of the teacher's district in which they act (choosing, or the results
    published for appeal), or None."""
    school = School.objects.select_related("area").filter(pk=teacher.school_id).first()
    if school is None or school.area is None:
        return None
    live = (
        PostRound.objects.filter(status__in=[RoundStatus.CHOOSING, RoundStatus.ASSIGNED])
        .select_related("district", "school_year")
        .order_by("-school_year__start_year", "-pk")
    )
    return next(
        (r for r in live if r.district is not None and school.area.path.startswith(r.district.path)), None
    )
