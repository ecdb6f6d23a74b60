"""Rectification pages: my items (units), the officers' list with filters and export, item entry,
the item page with its timeline and workflow actions (HTMX), attachments, notifications.
Reads through selectors, writes through services; a broken rule is shown in Chinese."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import scoped
from edugov.common.dates import as_date
from edugov.common.errors import DomainError
from edugov.common.files import stored_file_response
from edugov.web.exports import audited_export_response
from edugov.web.paging import paginate

from . import permissions, selectors, services
from .forms import ActionForm, ItemCreateForm, ItemFilterForm
from .models import Attachment, EventAction, ItemStatus, RectificationItem, UnitKind

MAX_FILTER_BYTES = 4096


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def _filtered(request: HttpRequest) -> tuple[ItemFilterForm, Any]:
    form = ItemFilterForm(request.GET or None, user=request.user)
    return form, selectors.item_list_filtered(user=request.user, filters=form.filters)


def _rows(page_items: Any) -> list[dict[str, Any]]:
    today = selectors.today()
    return [{"item": i, "overdue": i.is_overdue(today), "days": i.days_overdue(today)} for i in page_items]


def _list_page(request: HttpRequest, *, template: str, heading: str, mine: bool) -> HttpResponse:
    form, qs = _filtered(request)
    page, query_string = paginate(request, qs)
    context = {
        "form": form,
        "page_obj": page,
        "rows": _rows(page.object_list),
        "query_string": query_string,
        "heading": heading,
        "mine": mine,
        "counts": _status_groups(qs),
        "can_create": _can_create(request.user),
    }
    if _is_htmx(request):  # the counters follow the filters: swapped in out of band
        return render(request, "rectification/_item_results.html", {**context, "counts_oob": True})
    return render(request, template, context)


# The counters above the list: every status in exactly one group, so they add up to the list.
STATUS_GROUPS = (
    ("待交办", (ItemStatus.OPEN,)),
    ("整改中", (ItemStatus.ASSIGNED, ItemStatus.IN_RECTIFICATION, ItemStatus.RETURNED)),
    ("待核验", (ItemStatus.EVIDENCE_SUBMITTED,)),
    ("已销号", (ItemStatus.CLOSED,)),
)


def _status_groups(qs: Any) -> list[dict[str, Any]]:
    """Counted over the list's own queryset (scope and filters); .order_by() keeps the list's
    ordering columns out of GROUP BY."""
    by_status = dict(qs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [
        {"label": label, "count": sum(by_status.get(s, 0) for s in group)} for label, group in STATUS_GROUPS
    ]


def _can_create(user: Any) -> bool:
    return role_may(user, permissions.action("item_create"))


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    return _list_page(request, template="rectification/item_list.html", heading="我的整改事项", mine=True)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, template="rectification/item_list.html", heading="问题清单", mine=False)


EXPORT_HEADERS = [
    "编号",
    "问题标题",
    "来源",
    "责任单位",
    "所在区域",
    "主管科室",
    "严重程度",
    "状态",
    "整改期限",
    "逾期天数",
    "升级",
    "责任人",
    "登记时间",
    "销号时间",
    "问题依据",
    "整改要求",
]


@login_required
def item_export(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, permissions.action("item_export"))
    form, qs = _filtered(request)
    today = selectors.today()
    rows = (
        [
            i.number,
            i.title,
            i.get_source_display(),
            i.unit_name,
            i.area.name,
            i.get_department_display(),
            i.get_severity_display(),
            i.get_status_display(),
            i.deadline,
            i.days_overdue(today),
            i.get_escalation_level_display(),
            i.responsible_name,
            as_date(i.created_at),  # the local day, a date cell
            as_date(i.closed_at),
            i.evidence,
            i.required_action,
        ]
        for i in qs.iterator(chunk_size=2000)
    )
    return audited_export_response(
        actor=request_actor(request), fmt="xlsx", filename="问题清单", headers=EXPORT_HEADERS, rows=rows,
        model_label=RectificationItem._meta.label, changes={"filters": form.describe()},
    )  # fmt: skip


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    if not _can_create(request.user):
        raise Http404("页面不存在")
    form = ItemCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = d["school"] if d["unit_kind"] == UnitKind.SCHOOL else d["town"]
        try:
            item = services.item_create(
                actor=request_actor(request),
                source=d["source"],
                unit_kind=d["unit_kind"],
                unit_id=unit.pk,
                title=d["title"],
                evidence=d["evidence"],
                required_action=d["required_action"],
                department=d["department"],
                severity=d["severity"],
                deadline=d["deadline"],
                files=request.FILES.getlist("files"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记整改事项 {item.number}")
            return redirect("rectification:item_detail", pk=item.pk)
    return render(request, "rectification/item_new.html", {"form": form})


def _detail_context(request: HttpRequest, item: RectificationItem, **extra: Any) -> dict[str, Any]:
    today = selectors.today()
    actions = services.allowed_actions(request_actor(request), item)
    can_comment = services.may_comment(request_actor(request), item)
    return {
        "item": item,
        "overdue": item.is_overdue(today),
        "days_overdue": item.days_overdue(today),
        "timeline": selectors.item_timeline(user=request.user, item=item),
        "actions": [(a, EventAction(a).label) for a in actions],
        "action_codes": actions,
        "can_comment": can_comment,
        "form": ActionForm(),
        **extra,
    }


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    return render(request, "rectification/item_detail.html", _detail_context(request, item))


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    form = ActionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "；".join(
            f"{form.fields[name].label}：{e}" for name, errs in form.errors.items() for e in errs
        )
    else:
        d = form.cleaned_data
        files = request.FILES.getlist("files")
        try:
            services.item_transition(
                actor=request_actor(request),
                item=item,
                action=action,
                comment=d["comment"],
                deadline=d["deadline"],
                responsible_name=d["responsible_name"],
                files=files,
            )
        except DomainError as exc:
            error = exc.message
    item = selectors.item_get(user=request.user, pk=pk)
    if _is_htmx(request):
        # htmx 2 swaps only 2xx answers: a refusal comes back as 200 so the panel shows its message,
        # with what the officer typed still in the form.
        extra = {"error": error, "form": form} if error else {}
        return render(request, "rectification/_item_panel.html", _detail_context(request, item, **extra))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "操作成功")
    return redirect("rectification:item_detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = scoped(Attachment, request.user).filter(pk=pk).first()
    if att is None:
        raise Http404("附件不存在或不在您的数据范围内")
    return stored_file_response(
        att.file,
        name=att.original_name,
        content_type=att.content_type,
        as_attachment=False,
        missing="附件文件已丢失",
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notification_mark_read(actor=request_actor(request))
        return redirect("rectification:notification_list")
    page, query_string = paginate(request, selectors.notification_list(user=request.user))
    return render(
        request, "rectification/notification_list.html", {"page_obj": page, "query_string": query_string}
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if role_may(request.user, permissions.action("unit_items")) and not role_may(
        request.user, permissions.action("item_list")
    ):
        return redirect(reverse("rectification:my_items"))
    return redirect(reverse("rectification:item_list"))
