"""The audit trail page for district administrators: filter by user, action, data type, dates
and object; the changes before and after are shown field by field in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from edugov.accounts.policy import role_may
from edugov.common.errors import ErrorCode, PermissionDenied
from edugov.common.widgets import DateInput
from edugov.web.paging import paginate

from .models import AuditAction, AuditEvent
from .selectors import audit_event_list, audit_model_labels

PER_PAGE = 50
# Keys the services write that are no model field (export and import summaries, demo builds).
_EXTRA_LABELS = {
    "format": "格式",
    "rows": "行数",
    "filters": "筛选条件",
    "file": "文件",
    "area_rows": "本区域行数",
    "kind": "数据类型",
    "size": "文件大小",
    "sha256": "文件哈希",
    "created": "新增",
    "updated": "修改",
    "unchanged": "未变化",
    "seed": "随机种子",
    "scale": "规模",
    "today": "生成日期",
    "counts": "生成行数",
    "comment": "办理意见",
    "attachments": "附件",
    "overdue_days": "逾期天数",
    "reason": "原因",
    "note": "说明",
}
# Keys that are bookkeeping, not content: the object is already named in its own column.
_HIDDEN = frozenset({"id", "pk", "generators", "cause_key", "finding_source", "checklist_code"})


class AuditPageError(ErrorCode):
    DISTRICT_ADMIN_ONLY = "审计日志仅供区县管理员查看"


# Records of things that are no model (a whole demo build).
_PSEUDO_MODELS = {"demo.DemoDistrict": "演示数据"}


def model_verbose_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return _PSEUDO_MODELS.get(label, "其他数据")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部操作"), *AuditAction.choices])
    model = forms.ChoiceField(label="数据类型", required=False)
    date_from = forms.DateField(label="开始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="结束日期", required=False, widget=DateInput())
    obj = forms.CharField(label="对象", required=False, max_length=100)

    def __init__(self, data: Any, *, models: list[str]) -> None:
        super().__init__(data)
        model_field = self.fields["model"]
        assert isinstance(model_field, forms.ChoiceField)
        model_field.choices = [("", "全部类型"), *[(m, model_verbose_name(m)) for m in models]]
        self.fields["obj"].widget.attrs["placeholder"] = "对象ID或名称"

    @property
    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# A value no reader can decode: an internal key ("registry.oversized_class:93:2026", "vm:3333",
# "assign") with no choice label to translate it. Its row is left out rather than shown raw.
_CODE_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:[.:/][A-Za-z0-9_]+)*$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


class _Row:
    """One field of one event, before the foreign keys of the whole page are named."""

    def __init__(
        self, label: str, field: Any, before: Any, after: Any, *, has_before: bool, name: str = ""
    ) -> None:
        self.name = name
        self.label = label
        self.field = field
        self.before = before
        self.after = after
        self.has_before = has_before


def _chinese_label(name: str, field: Any) -> str | None:
    """A field's Chinese name: its verbose name, or the label of a key the services write that is
    no model field; None for internal keys (ids, cause keys, JSON blobs without a name)."""
    if name in _HIDDEN:
        return None
    verbose = getattr(field, "verbose_name", None)
    if verbose and _has_cjk(str(verbose)):
        return str(verbose)
    return _EXTRA_LABELS.get(name)


def _has_cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)


def _datetime_text(value: str) -> str | None:
    """ISO date-times as the reader's local time to the minute ("2026-10-22 09:00")."""
    if len(value) < 16 or value[4] != "-" or value[10] not in "T ":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return f"{parsed:%Y-%m-%d %H:%M}"


def _value(field: Any, value: Any, names: dict[tuple[Any, str], str] | None = None) -> str | None:
    """A value in words; None when it is an internal code nobody can read."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and getattr(field, "choices", None):
        label = dict(field.flatchoices).get(value)
        return str(label) if label is not None else None
    if field is not None and getattr(field, "is_relation", False) and field.related_model is not None:
        name = (names or {}).get((field.related_model, str(value)))
        return name if name is not None else "（已删除）"
    if isinstance(value, dict):
        title = value.get("title") or (value.get("meta") or {}).get("title") if value else None
        return str(title) if title else f"{len(value)}项明细"
    if isinstance(value, list):
        if not value:
            return "（无）"
        parts = [_value(None, v) for v in value if not isinstance(v, dict | list)]
        if len(parts) == len(value) and all(parts):
            return "、".join(p for p in parts if p)
        return f"{len(value)}项"
    if isinstance(value, float | int):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    when = _datetime_text(text)
    if when is not None:
        return when
    if not _PLAIN_NUMBER.match(text) and _CODE_LIKE.match(text):
        return None
    return text


def _rows_of(event: AuditEvent) -> list[_Row]:
    try:
        model = apps.get_model(event.model) if event.model else None
    except (LookupError, ValueError):
        model = None

    def field_of(name: str) -> Any:
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        # a reverse relation named in the changes is no column of this row
        return field if getattr(field, "concrete", False) else None

    changes = event.changes or {}
    rows: list[_Row] = []
    if set(changes) <= {"after", "before"} and changes:
        after, before = changes.get("after") or {}, changes.get("before") or {}
        for name in list(after) + [n for n in before if n not in after]:
            field = field_of(name)
            label = _chinese_label(name, field)
            if label is not None:
                rows.append(
                    _Row(label, field, before.get(name), after.get(name, _ABSENT), has_before=name in before)
                )
        return rows
    for name, value in changes.items():
        field = field_of(name)
        label = _chinese_label(name, field)
        if label is None:
            continue
        if isinstance(value, list) and len(value) == 2 and field is not None:
            rows.append(_Row(label, field, value[0], value[1], has_before=True, name=name))
        else:
            rows.append(_Row(label, field, None, value, has_before=False, name=name))
    return rows


_ABSENT = object()


def _file_size(value: Any) -> str | None:
    """Bytes as a reader says them ("4.9 KB"), as the import page does."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(filesizeformat(value)).replace("\xa0", " ")


# Keys the services write whose values are words of their own: a file's name is shown as named
# ("秋季班级.xlsx" or "classes-2026.csv", never taken for an internal code), a size in KB or MB.
_KEY_WORDS: dict[str, Callable[[Any], str | None]] = {
    "file": lambda v: str(v) if v not in (None, "") else "（空）",
    "size": _file_size,
    "sha256": lambda v: str(v) if v else None,  # hex: a code by shape, but the reader checks it
}


def _related_names(rows: list[_Row]) -> dict[tuple[Any, str], str]:
    """Names of the rows the foreign keys point at: one query per related model on the page."""
    wanted: dict[Any, set[str]] = {}
    for r in rows:
        field = r.field
        if field is not None and getattr(field, "is_relation", False) and field.related_model is not None:
            for v in (r.before, r.after):
                if v not in (None, "", _ABSENT) and not isinstance(v, dict | list):
                    wanted.setdefault(field.related_model, set()).add(str(v))
    names: dict[tuple[Any, str], str] = {}
    for related, pks in wanted.items():
        manager = related._base_manager  # archived rows still have names
        for obj in manager.filter(pk__in=list(pks)):
            names[(related, str(obj.pk))] = str(obj)
    return names


def describe_events(events: list[AuditEvent]) -> list[list[dict[str, str]]]:
    """Rows of {field, before, after} in plain Chinese for each event: fields by their Chinese
    names, choices by their labels, foreign keys by the name of the row they point at; internal
    keys (ids, rule codes, JSON blobs) are left out."""
    per_event = [_rows_of(e) for e in events]
    names = _related_names([r for rows in per_event for r in rows])
    described = []
    for rows in per_event:
        out = []
        for r in rows:
            words = _KEY_WORDS.get(r.name) if r.field is None else None
            before: str | None
            after: str | None
            if words is not None:
                before, after = "", words(r.after)
            else:
                before = _value(r.field, r.before, names) if r.has_before else ""
                after = "" if r.after is _ABSENT else _value(r.field, r.after, names)
            if before is None or after is None:
                continue
            out.append({"field": r.label, "before": before, "after": after})
        described.append(out)
    return described


def describe_changes(event: AuditEvent) -> list[dict[str, str]]:
    """Rows of {field, before, after} in Chinese for one event."""
    return describe_events([event])[0]


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not role_may(user, "web.audit_trail"):
        raise PermissionDenied(AuditPageError.DISTRICT_ADMIN_ONLY)
    form = AuditFilterForm(request.GET or None, models=audit_model_labels(user=user))
    f = form.filters
    qs = audit_event_list(
        user=user,
        actor=f.get("actor", ""),
        action=f.get("action", ""),
        model=f.get("model", ""),
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
        obj=f.get("obj", ""),
    )
    page, query_string = paginate(request, qs, per_page=PER_PAGE)
    listed = list(page.object_list)
    events = [
        {"event": e, "model_name": model_verbose_name(e.model) if e.model else "", "rows": rows}
        for e, rows in zip(listed, describe_events(listed), strict=True)
    ]
    context = {"form": form, "page_obj": page, "query_string": query_string, "events": events}
    template = (
        "audit/_event_results.html"
        if request.headers.get("HX-Request") == "true"
        else "audit/event_list.html"
    )
    return render(request, template, context)
