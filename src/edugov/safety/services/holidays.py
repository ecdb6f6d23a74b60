"""Holiday reminders: scheduled to every class, sent through a channel, confirmed, acknowledged by parents."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import Area, SchoolClass

from .. import rules
from ..channels import Channel, Message, channel
from ..errors import SafetyError as E
from ..models import (
    Acknowledgement,
    ClassReminder,
    Holiday,
    HolidayDay,
)
from ..permissions import action
from ..selectors import reminder_by_token
from .common import _now, _text


@transaction.atomic
def holiday_schedule(*, actor: User, area: Area, name: str, starts_on: dt.date, ends_on: dt.date) -> Holiday:
    """A holiday with one reminder a day (topics in turn, drowning first) to every class under the
    area: each class gets its own unguessable acknowledgement link."""
    ensure_can(actor, action("holiday_edit"), area)
    name = _text(name, field="假期名称", max_length=32)
    if ends_on < starts_on:
        raise DomainError(E.BAD_FIELD, field="结束日期", reason="应不早于开始日期")
    if (ends_on - starts_on).days > 62:
        raise DomainError(E.BAD_FIELD, field="假期", reason="不能超过 63 天")
    holiday = Holiday.objects.create(area=area, name=name, starts_on=starts_on, ends_on=ends_on)
    topics = rules.topics()
    class_ids = list(
        SchoolClass.objects.filter(
            school__area__path__startswith=area.path,
            school__archived_at__isnull=True,
            archived_at__isnull=True,
            school_year__is_current=True,
        ).values_list("pk", flat=True)
    )
    for i in range((ends_on - starts_on).days + 1):
        topic = topics[i % len(topics)]
        day = HolidayDay.objects.create(
            holiday=holiday,
            date=starts_on + dt.timedelta(days=i),
            topic=topic.label,
            text=topic.text,
        )
        ClassReminder.objects.bulk_create(
            ClassReminder(day=day, school_class_id=c, token=secrets.token_urlsafe(16)) for c in class_ids
        )
    audit_record(action=AuditAction.CREATE, instance=holiday, changes={"after": snapshot(holiday)})
    return holiday


def reminders_send(*, day: HolidayDay, via: Channel | None = None, now: dt.datetime | None = None) -> int:
    """Send the day's reminder to every class not sent yet (the scheduler's job; no actor): each
    message carries the class's acknowledgement link. Returns how many were sent."""
    now = _now(now)
    via = via or channel()
    count = 0
    for reminder in day.reminders.filter(sent_at__isnull=True).select_related("school_class"):
        via.send(
            Message(
                to=f"class:{reminder.school_class_id}",
                text=f"{day.text}\n家长确认：/safety/a/{reminder.token}/",
            )
        )
        ClassReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=now, channel=via.name, updated_at=now
        )
        count += 1
    return count


@transaction.atomic
def reminder_confirm(
    *, actor: User, reminder: ClassReminder, now: dt.datetime | None = None
) -> ClassReminder:
    """The head teacher confirms the reminder went to the class's parents' group."""
    ensure_can(actor, action("reminder_confirm"), reminder)
    if reminder.confirmed_at is None:
        reminder.confirmed_at = _now(now)
        reminder.save(update_fields=["confirmed_at", "updated_at"])
        audit_record(action=AuditAction.UPDATE, instance=reminder, changes={"confirmed_at": [None, "now"]})
    return reminder


def acknowledge(
    *, token: str = "", pupil_key: str = "", reminder: ClassReminder | None = None
) -> ClassReminder:
    """A parent's acknowledgement through the class's link: no account, no personal data. A forged
    link is refused; a pupil key acknowledges once (a replay is refused, nothing written). The page
    passes the `reminder` it already read by the token, so the write is the only other query."""
    pupil_key = (pupil_key or "").strip()[:64]
    if reminder is None:
        reminder = reminder_by_token(token)
    if reminder is None:
        raise DomainError(E.BAD_LINK)
    if reminder.sent_at is None:
        raise DomainError(E.NOT_SENT)
    if not _ack_write(reminder.pk, pupil_key):
        raise DomainError(E.ALREADY_ACKNOWLEDGED)
    reminder.acks += 1
    return reminder


_ACK_SQL = """
WITH ins AS (
    INSERT INTO {ack} (reminder_id, pupil_key, created_at) VALUES (%s, %s, %s)
    ON CONFLICT (reminder_id, pupil_key) WHERE NOT (pupil_key = '') DO NOTHING
    RETURNING 1
)
UPDATE {reminder} SET acks = acks + 1, updated_at = %s WHERE id = %s AND EXISTS (SELECT 1 FROM ins)
"""


def _ack_write(reminder_id: int, pupil_key: str) -> bool:
    """Store one acknowledgement and count it on its reminder; False when the pupil key has
    acknowledged already (nothing written). On PostgreSQL one statement does both (a replay is
    skipped by the unique index, no error and no rollback) in a single round trip, so the
    reminder's row is locked only for that statement while a class's parents press at once;
    elsewhere an atomic insert and update."""
    if connection.vendor == "postgresql":
        sql = _ACK_SQL.format(
            ack=connection.ops.quote_name(Acknowledgement._meta.db_table),
            reminder=connection.ops.quote_name(ClassReminder._meta.db_table),
        )
        with connection.cursor() as cursor:
            now = timezone.now()
            cursor.execute(sql, [reminder_id, pupil_key, now, now, reminder_id])
            return cursor.rowcount == 1
    try:
        with transaction.atomic():
            Acknowledgement.objects.create(reminder_id=reminder_id, pupil_key=pupil_key)
            ClassReminder.objects.filter(pk=reminder_id).update(acks=F("acks") + 1, updated_at=timezone.now())
    except IntegrityError:
        return False
    return True


def _class_name(c: SchoolClass) -> str:
    return c.name or f"{c.grade}年级{c.number}班"


def reminders_flag_missing(*, on: dt.date, via: Channel | None = None, now: dt.datetime | None = None) -> int:
    """The evening round: every school with classes whose reminder for `on` was sent but is not
    confirmed by the head teacher or acknowledged by any parent is told which classes, once,
    through the channel (school's group). Returns how many schools were told; a rerun tells none."""
    now = _now(now)
    via = via or channel()
    missing = (
        ClassReminder.objects.filter(day__date=on, sent_at__isnull=False, flagged_at__isnull=True)
        .filter(Q(confirmed_at__isnull=True) | Q(acks=0))
        .select_related("school_class__school")
        .order_by("school_class__school_id", "school_class__grade", "school_class__number")
    )
    by_school: dict[int, list[ClassReminder]] = {}
    for r in missing:
        by_school.setdefault(r.school_class.school_id, []).append(r)
    for school_id, rows in by_school.items():
        names = "、".join(_class_name(r.school_class) for r in rows)
        unconfirmed = sum(r.confirmed_at is None for r in rows)
        unacked = sum(r.acks == 0 for r in rows)
        via.send(
            Message(
                to=f"school:{school_id}",
                text=f"{on:%m月%d日}假期安全提醒：{len(rows)}个班级未完成（班主任未确认{unconfirmed}个，"
                f"无家长确认{unacked}个）：{names}。请今晚督促落实。",
            )
        )
        ClassReminder.objects.filter(pk__in=[r.pk for r in rows]).update(flagged_at=now, updated_at=now)
    return len(by_school)
