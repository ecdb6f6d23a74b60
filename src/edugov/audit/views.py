"""The audit trail page for district administrators: filter by user, action, data type, dates
and object; the changes before and after are shown field by field in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.accounts.policy import role_may
from edugov.common.errors import ErrorCode, PermissionDenied
from edugov.common.widgets import DateInput
from edugov.web.paging import paginate

from .models import AuditAction, AuditEvent
from .selectors import audit_event_list, audit_model_labels

PER_PAGE = 50
_EXTRA_LABELS = {
    "id": "ID",
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
}


class AuditPageError(ErrorCode):
    DISTRICT_ADMIN_ONLY = "审计日志仅供区县管理员查看"


def model_verbose_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


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


def _value(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation:
        return f"#{value}"
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items()) or "（无）"
    return str(value)


def describe_changes(event: AuditEvent) -> list[dict[str, str]]:
    """Rows of {field, before, after} in Chinese for one event."""
    try:
        model = apps.get_model(event.model) if event.model else None
    except (LookupError, ValueError):
        model = None

    def field_of(name: str) -> Any:
        if model is None:
            return None
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def label(name: str) -> str:
        field = field_of(name)
        return str(field.verbose_name) if field is not None else _EXTRA_LABELS.get(name, name)

    changes = event.changes or {}
    rows = []
    if set(changes) <= {"after", "before"} and changes:
        after, before = changes.get("after") or {}, changes.get("before") or {}
        for name in sorted(set(after) | set(before)):
            rows.append(
                {
                    "field": label(name),
                    "before": _value(field_of(name), before[name]) if name in before else "",
                    "after": _value(field_of(name), after[name]) if name in after else "",
                }
            )
        return rows
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append(
                {
                    "field": label(name),
                    "before": _value(field_of(name), value[0]),
                    "after": _value(field_of(name), value[1]),
                }
            )
        else:
            rows.append({"field": label(name), "before": "", "after": _value(None, value)})
    return rows


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
    events = [
        {
            "event": e,
            "model_name": model_verbose_name(e.model) if e.model else "",
            "rows": describe_changes(e),
        }
        for e in page.object_list
    ]
    context = {"form": form, "page_obj": page, "query_string": query_string, "events": events}
    template = (
        "audit/_event_results.html"
        if request.headers.get("HX-Request") == "true"
        else "audit/event_list.html"
    )
    return render(request, template, context)
