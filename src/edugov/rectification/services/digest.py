"""The daily e-mail digest (notifications and strategic-task milestones) and the daily round."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from edugov.accounts.models import Role, User
from edugov.common.dates import cn_date, cn_datetime

from ..models import (
    WORKING_STATUSES,
    Notification,
)
from .escalation import DUE_SOON_DAYS, items_escalate_overdue, notifications_due_soon
from .notify import _ancestor_paths
from .transitions import _now, _today


def milestones_due_by_user(*, today: dt.date, days: int = DUE_SOON_DAYS) -> dict[int, tuple[User, list[str]]]:
    """Unfinished strategic-task milestones due within `days` (or already overdue, up to 30 days),
    as digest lines for their owners and their department's officers."""
    from ..strategy import milestones_due

    out: dict[int, tuple[User, list[str]]] = {}
    for m in milestones_due(start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=days)):
        t = m.task
        left = (m.deadline - today).days
        when = f"{cn_date(m.deadline)}到期" + (f"（已逾期{-left}天）" if left < 0 else f"（剩{left}天）")
        line = f"· [任务节点] {t.code}{t.title}—{m.title}，{when}，当前进度{m.progress}%"
        users = [u for u in (m.owner, t.owner) if u is not None and u.is_active]
        users += list(
            User.objects.filter(
                is_active=True,
                role=Role.DEPARTMENT_OFFICER,
                department=t.department,
                area__path__in=_ancestor_paths(t.area.path),
            )
        )
        for u in users:
            if not u.email:
                continue
            entry = out.setdefault(u.pk, (u, []))
            if line not in entry[1]:
                entry[1].append(line)
    return out


def digest_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each user with an address the notifications not yet e-mailed and the strategic-task
    milestones due soon or overdue (one message per user). Returns the number of messages sent.
    SMTP comes from the environment (console by default)."""
    from django.core.mail import EmailMessage, get_connection

    now = _now(now)
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "item")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    users: dict[int, User] = {}
    for n in pending:
        by_user.setdefault(n.user_id, []).append(n)
        users[n.user_id] = n.user
    milestones = milestones_due_by_user(today=_today(now))
    for uid, (u, _) in milestones.items():
        users.setdefault(uid, u)
    messages = []
    for uid, user in users.items():
        rows = by_user.get(uid, [])
        ms_lines = milestones.get(uid, (user, []))[1]
        lines = [f"{user}，您好：", ""]
        if rows:
            lines.append(f"截至{cn_datetime(now)}，您有{len(rows)}条整改事项提醒：")
            lines += [f"· [{n.get_kind_display()}] {n.message}（{n.item.number}）" for n in rows]
        if ms_lines:
            lines += ["", f"重点任务节点即将到期或已逾期{len(ms_lines)}个："]
            lines += ms_lines
        lines += ["", "请登录区域教育治理平台处理。本邮件由系统自动发送。"]
        subject = f"【整改事项每日提醒】{len(rows)}条待办"
        if ms_lines:
            subject += f"，{len(ms_lines)}个任务节点到期"
        messages.append(
            EmailMessage(
                subject=subject,
                body="\n".join(lines),
                from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
                to=[user.email],
            )
        )
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    Notification.objects.filter(pk__in=[n.pk for rows in by_user.values() for n in rows]).update(
        emailed_at=now
    )
    return int(sent)


def daily_round(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the daily task does: escalate overdue items, remind of approaching deadlines, mail the digest."""
    now = _now(now)
    esc = items_escalate_overdue(now=now)
    due = notifications_due_soon(now=now)
    mails = digest_send(now=now)
    return {"escalated": esc.escalated, "due_soon": due, "emails": mails}


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=WORKING_STATUSES, deadline__lt=today)
