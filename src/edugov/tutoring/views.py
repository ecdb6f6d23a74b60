"""Tutoring pages: supervision (dashboard, institutions, risk, violations, unlicensed sites,
inspections and enforcement, complaints), the operator's own institution, and the public lookup and
complaint form (no login, rate-limited). Reads via selectors, writes via services."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, PermissionDenied
from edugov.common.text import mask_phone, normalize_cell
from edugov.registry.models import Area, AreaLevel
from edugov.reports import report_response
from edugov.web.paging import paginate

from . import forms as f
from . import selectors, services
from .models import (
    TRANSITIONS,
    Alert,
    Complaint,
    Consumption,
    Course,
    EnforcementAction,
    Inspection,
    Institution,
    InstitutionStatus,
    Order,
    Refund,
    RiskSnapshot,
    Session,
)

PUBLIC_LOOKUPS_PER_MINUTE = 30
PUBLIC_COMPLAINTS_PER_HOUR = 5


def _clean(text: str) -> str:
    """Query text as typed; NUL bytes (which PostgreSQL refuses in text) dropped."""
    return normalize_cell(text.replace("\x00", ""))


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request: HttpRequest, bucket: str, limit: int, seconds: int) -> bool:
    """True when this client has used up `limit` requests in the window (fixed window, cache)."""
    key = f"tutoring:rl:{bucket}:{_client_ip(request)}:{int(timezone.now().timestamp()) // seconds}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "tutoring/public_limited.html", status=429)


def _attempt(form: Any, fn: Callable[[], Any]) -> Any:
    """Run a service; its Chinese message lands on the form instead of a server error."""
    try:
        return fn()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


def _institution(request: HttpRequest, pk: int) -> Institution:
    ensure_can(request.user, "tutoring.view")
    return get_object_or_404(scoped(Institution, request.user).select_related("area"), pk=pk)


def _may(user: Any, names: tuple[str, ...], obj: Any = None) -> dict[str, bool]:
    """What the page offers (buttons, forms): {action name: allowed}, asked of the policy."""
    return {name: can(user, f"tutoring.{name}", obj) for name in names}


# Supervision -----------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    today = timezone.localdate()
    data = selectors.dashboard(user=request.user, today=today)
    stats = selectors.enforcement_stats(user=request.user, start=dt.date(today.year, 1, 1), end=today)
    chart = {
        "status": data["status"],
        "points": data["points"],
        "top": [{"name": t["name"], "score": t["score"]} for t in data["top"]][::-1],
        "actions": [{"name": stats["labels"][k], "value": v} for k, v in stats["counts"].items()],
    }
    return render(request, "tutoring/dashboard.html", {"d": data, "stats": stats, "chart": json.dumps(chart)})


def _period(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The report's period from ?start=&end= (default: this year to today); None when invalid."""
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError:
        return None
    return (start, end) if start <= end else None


@login_required
def supervision_report(request: HttpRequest) -> HttpResponse:
    """The supervision report as PDF: headline figures, enforcement statistics, risk ranking."""
    ensure_can(request.user, "tutoring.report_export")
    today = timezone.localdate()
    period = _period(request, today)
    if period is None:
        messages.error(request, "统计期间无效：请按“年-月-日”填写起止日期，且起始日期不晚于截止日期")
        return redirect("tutoring:dashboard")
    params = {"start": period[0].isoformat(), "end": period[1].isoformat()}
    return report_response(request_actor(request), "tutoring.supervision", "pdf", params)


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    form = f.InstitutionFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "search": normalize_cell(form.cleaned_data["q"]),
            "status": form.cleaned_data["status"],
            "category": form.cleaned_data["category"],
            "list_status": form.cleaned_data["list_status"] or None,
        }
    qs = selectors.institution_list(user=request.user, **filters)
    if request.GET.get("export") == "xlsx":  # the registered report, with the page's filters
        params = {k: request.GET.get(k, "") for k in ("q", "status", "category", "list_status")}
        return report_response(request_actor(request), "tutoring.institutions", "xlsx", params)
    page, query = paginate(request, qs)
    context = {"form": form, "page": page, "query": query, "may": _may(request.user, ("institution_create",))}
    return render(request, "tutoring/institution_list.html", context)


@login_required
def institution_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.institution_create")
    form = f.InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        inst = _attempt(form, lambda: services.institution_create(actor=request.user, data=form.cleaned_data))
        if inst is not None:
            messages.success(request, "机构已登记")
            return redirect("tutoring:institution_detail", pk=inst.pk)
    return render(request, "tutoring/form.html", {"form": form, "title": "登记培训机构"})


@login_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    ensure_can(request.user, "tutoring.institution_edit", inst)
    form = f.InstitutionForm(request.POST or None, instance=Institution.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.institution_update(institution=inst, actor=request.user, data=form.cleaned_data),
        )
        if done is not None:
            messages.success(request, "已保存")
            return redirect("tutoring:institution_detail", pk=pk)
    return render(request, "tutoring/form.html", {"form": form, "title": f"修改：{inst.name}"})


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    user = request.user
    risk = scoped(RiskSnapshot, user).filter(institution=inst).order_by("-date").first()
    allowed = TRANSITIONS.get(inst.status, frozenset())
    transition_form = f.TransitionForm()
    transition_form.fields["to_status"].choices = [c for c in InstitutionStatus.choices if c[0] in allowed]
    orders = scoped(Order, user).filter(institution=inst)
    context = {
        "inst": inst,
        "risk": risk,
        "history": inst.status_changes.select_related("actor")[:50],
        "staff": selectors.staff_rows(user=user, institution=inst),
        "courses": scoped(Course, user).filter(institution=inst).select_related("tutor"),
        "sessions": scoped(Session, user).filter(course__institution=inst).select_related("course")[:100],
        "orders": orders.order_by("-paid_on", "-pk")[:50],
        "full_identity": selectors.can_see_identity(user),
        "alerts": scoped(Alert, user).filter(institution=inst)[:20],
        "may": _may(
            user,
            (
                "institution_edit",
                "institution_transition",
                "institution_set_list",
                "staff_create",
                "course_create",
                "session_create",
                "order_create",
                "export",
            ),
            inst,
        ),
        "transition_form": transition_form,
        "list_form": f.ListForm(initial={"list_status": inst.list_status, "reason": inst.list_reason}),
        "staff_form": f.StaffForm(),
        "course_form": f.CourseForm(institution=inst, user=user),
        "session_form": f.SessionForm(institution=inst, user=user),
        "order_form": f.OrderForm(institution=inst, user=user),
    }
    return render(request, "tutoring/institution_detail.html", context)


@login_required
@require_POST
def institution_transition(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    form = f.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择新状态并填写原因")
    else:
        done = _attempt(
            form,
            lambda: services.institution_transition(
                institution=inst,
                actor=request.user,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "状态已变更")
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("tutoring:institution_detail", pk=pk)


@login_required
@require_POST
def institution_set_list(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    form = f.ListForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.institution_set_list(
                institution=inst,
                actor=request.user,
                list_status=form.cleaned_data["list_status"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "名单已更新")
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("tutoring:institution_detail", pk=pk)


def _child_create(
    request: HttpRequest,
    pk: int,
    action: str,
    form_cls: Any,
    run: Callable[[Institution, Any], Any],
    done_message: str,
) -> HttpResponse:
    inst = _institution(request, pk)
    ensure_can(request.user, action, inst)
    kwargs = {} if form_cls is f.StaffForm else {"institution": inst, "user": request.user}
    form = form_cls(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid() and _attempt(form, lambda: run(inst, form.cleaned_data)):
        messages.success(request, done_message)
        return redirect("tutoring:institution_detail", pk=pk)
    return render(request, "tutoring/form.html", {"form": form, "title": f"{inst.name}：{done_message[:-3]}"})


@login_required
def staff_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.staff_create",
        f.StaffForm,
        lambda i, d: services.staff_create(actor=request.user, institution=i, data=d),
        "从业人员已登记",
    )


@login_required
def staff_export(request: HttpRequest, pk: int) -> HttpResponse:
    inst = _institution(request, pk)
    return report_response(request_actor(request), "tutoring.staff", "xlsx", {"institution": str(inst.pk)})


@login_required
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.course_create",
        f.CourseForm,
        lambda i, d: services.course_create(actor=request.user, institution=i, data=d),
        "课程已登记",
    )


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.session_create",
        f.SessionForm,
        lambda i, d: services.session_create(
            actor=request.user,
            course=d["course"],
            date=d["date"],
            start_time=d["start_time"],
            end_time=d["end_time"],
        ),
        "课表已登记",
    )


@login_required
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_create(
        request,
        pk,
        "tutoring.order_create",
        f.OrderForm,
        lambda i, d: services.order_create(actor=request.user, institution=i, data=d),
        "收费订单已登记",
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    order = get_object_or_404(scoped(Order, request.user).select_related("institution", "course"), pk=pk)
    cform = f.ConsumptionForm(request.POST if request.POST.get("what") == "consume" else None)
    rform = f.RefundForm(request.POST if request.POST.get("what") == "refund" else None)
    if request.method == "POST":
        if cform.is_bound and cform.is_valid():
            if (
                _attempt(
                    cform,
                    lambda: services.consumption_record(
                        actor=request.user, order=order, **cform.cleaned_data
                    ),
                )
                is not None
            ):
                messages.success(request, "已记录课消")
                return redirect("tutoring:order_detail", pk=pk)
        elif (
            rform.is_bound
            and rform.is_valid()
            and (
                _attempt(
                    rform,
                    lambda: services.refund_request(actor=request.user, order=order, **rform.cleaned_data),
                )
                is not None
            )
        ):
            messages.success(request, "已登记退费申请")
            return redirect("tutoring:order_detail", pk=pk)
    context = {
        "order": order,
        "parent_phone": order.parent_phone
        if selectors.can_see_identity(request.user)
        else mask_phone(order.parent_phone),
        "consumptions": scoped(Consumption, request.user).filter(order=order).order_by("date"),
        "refunds": scoped(Refund, request.user).filter(order=order),
        "unconsumed": services.order_unconsumed(order),
        "cform": cform,
        "rform": rform,
        "may": _may(request.user, ("consumption_record", "refund_request", "refund_settle"), order),
    }
    return render(request, "tutoring/order_detail.html", context)


@login_required
@require_POST
def refund_settle(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    refund = get_object_or_404(scoped(Refund, request.user).select_related("order__institution"), pk=pk)
    try:
        services.refund_settle(
            actor=request.user, refund=refund, paid=request.POST.get("paid") == "1", on=timezone.localdate()
        )
        messages.success(request, "退费已处理")
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("tutoring:order_detail", pk=refund.order_id)


@login_required
def violation_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.view")
    rows = selectors.violation_rows(user=request.user)
    if request.GET.get("export") == "xlsx":
        return report_response(request_actor(request), "tutoring.violations", "xlsx")
    page, query = paginate(request, rows, per_page=50)
    return render(request, "tutoring/violation_list.html", {"page": page, "query": query, "total": len(rows)})


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    if request.method == "POST":
        n = services.risk_compute(on=timezone.localdate(), actor=request.user)
        messages.success(request, f"已重新计算{n}家机构的风险")
        return redirect("tutoring:risk_list")
    rows = selectors.latest_risk(user=request.user)
    if request.GET.get("export") == "pdf":
        return redirect("tutoring:supervision_report")
    if request.GET.get("export") == "xlsx":
        return report_response(request_actor(request), "tutoring.risk", "xlsx")
    page, query = paginate(request, rows)
    alerts = scoped(Alert, request.user).select_related("institution")[:30]
    context = {"page": page, "query": query, "alerts": alerts, "may": _may(request.user, ("risk_compute",))}
    return render(request, "tutoring/risk_list.html", context)


@login_required
def unlicensed_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    form = f.UnlicensedForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form, lambda: services.unlicensed_site_create(actor=request.user, data=form.cleaned_data)
        )
    ):
        messages.success(request, "已登记无证无照培训点")
        return redirect("tutoring:unlicensed_list")
    page, query = paginate(request, selectors.open_unlicensed(user=request.user))
    context = {"page": page, "query": query, "form": form, "may": _may(request.user, ("unlicensed_create",))}
    return render(request, "tutoring/unlicensed_list.html", context)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    ensure_can(user, "tutoring.supervise")
    iform = f.InspectionForm(
        request.POST if request.POST.get("what") == "inspection" else None, request.FILES or None, user=user
    )
    eform = f.EnforcementForm(request.POST if request.POST.get("what") == "action" else None, user=user)
    if iform.is_bound and iform.is_valid():
        if _attempt(iform, lambda: services.inspection_record(actor=user, data=iform.cleaned_data)):
            messages.success(request, "检查记录已保存")
            return redirect("tutoring:inspection_list")
    elif eform.is_bound and eform.is_valid():  # noqa: SIM102
        if _attempt(eform, lambda: services.enforcement_create(actor=user, data=eform.cleaned_data)):
            messages.success(request, "处理决定已保存")
            return redirect("tutoring:inspection_list")
    sform = f.StatsForm(request.GET or None)
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), today
    if sform.is_valid():
        start = sform.cleaned_data["start"] or start
        end = sform.cleaned_data["end"] or end
    context = {
        "iform": iform,
        "eform": eform,
        "sform": sform,
        "stats": selectors.enforcement_stats(user=user, start=start, end=end),
        "inspections": scoped(Inspection, user).select_related("institution", "unlicensed_site", "inspector")[
            :50
        ],
        "actions": scoped(EnforcementAction, user).select_related("institution", "unlicensed_site")[:50],
        "may": _may(user, ("inspection_record", "enforcement_create")),
    }
    return render(request, "tutoring/inspection_list.html", context)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    qs = scoped(Complaint, request.user).select_related("institution", "area")
    page, query = paginate(request, qs)
    return render(
        request,
        "tutoring/complaint_list.html",
        {"page": page, "query": query, "full": selectors.can_see_identity(request.user)},
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can(request.user, "tutoring.supervise")
    complaint = get_object_or_404(
        scoped(Complaint, request.user).select_related("institution", "area"), pk=pk
    )
    form = f.ReplyForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.complaint_reply(
                actor=request.user, complaint=complaint, reply=form.cleaned_data["reply"]
            ),
        )
    ):
        messages.success(request, "已答复")
        return redirect("tutoring:complaint_detail", pk=pk)
    phone = (
        complaint.contact_phone
        if selectors.can_see_identity(request.user)
        else mask_phone(complaint.contact_phone)
    )
    context = {
        "c": complaint,
        "form": form,
        "phone": phone,
        "may": _may(request.user, ("complaint_reply",), complaint),
    }
    return render(request, "tutoring/complaint_detail.html", context)


# Public (no login) -----------------------------------------------------------------------------


def public_lookup(request: HttpRequest) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    q = _clean(request.GET.get("q", ""))[:50]
    area_code = _clean(request.GET.get("area", ""))[:12]
    towns = Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True).values_list("code", "name")
    rows = None
    if q or area_code:
        rows = list(
            selectors.public_search(search=q, area_code=area_code).values(
                "pk", "name", "category", "status", "list_status", "area__name"
            )[:50]
        )
        labels = {
            "category": dict(Institution._meta.get_field("category").choices),
            "status": dict(InstitutionStatus.choices),
            "list_status": dict(Institution._meta.get_field("list_status").choices),
        }
        for r in rows:
            for key, names in labels.items():
                r[f"{key}_display"] = names.get(r[key], "")
    return render(
        request, "tutoring/public_lookup.html", {"q": q, "area": area_code, "towns": towns, "rows": rows}
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    row = selectors.public_detail(pk=pk)
    if row is None:
        raise Http404("机构不存在")
    return render(request, "tutoring/public_detail.html", {"i": row})


def public_complaint(request: HttpRequest) -> HttpResponse:
    # "投诉该机构" on an institution's public page names it: the form starts with its name and town.
    target = None
    preselect = request.GET.get("institution", "")
    if preselect.isdigit():
        target = selectors.public_search().filter(pk=int(preselect)).first()
    form = f.ComplaintPublicForm(request.POST or None, institution=target)
    if request.method == "POST":
        if rate_limited(request, "complaint", PUBLIC_COMPLAINTS_PER_HOUR, 3600):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:  # a bot filled the hidden field: pretend success, store nothing
                return render(request, "tutoring/public_complaint_done.html", {"code": ""})
            name = normalize_cell(data["institution_name"])
            inst = Institution.objects.filter(name=name).select_related("area").first()
            if inst is None and data["area"] is None:
                form.add_error("area", "未找到该机构，请选择其所在乡镇街道")
            else:
                complaint = _attempt(
                    form,
                    lambda: services.complaint_submit(
                        data={
                            "institution": inst,
                            "institution_text": name,
                            "area": data["area"],
                            "topic": data["topic"],
                            "content": data["content"],
                            "contact_name": data["contact_name"],
                            "contact_phone": data["contact_phone"],
                        }
                    ),
                )
                if complaint is not None:
                    return render(
                        request, "tutoring/public_complaint_done.html", {"code": complaint.tracking_code}
                    )
    return render(request, "tutoring/public_complaint.html", {"form": form, "target": target})


def public_complaint_track(request: HttpRequest) -> HttpResponse:
    if rate_limited(request, "lookup", PUBLIC_LOOKUPS_PER_MINUTE, 60):
        return _too_many(request)
    form = f.RateForm(request.POST or request.GET or None)
    complaint = None
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        complaint = Complaint.objects.filter(tracking_code=code).first()
        if complaint is None:
            form.add_error("code", "查询码不存在")
        elif request.method == "POST" and form.cleaned_data.get("rating"):
            done = _attempt(
                form, lambda: services.complaint_rate(tracking_code=code, rating=form.cleaned_data["rating"])
            )
            if done is not None:
                complaint = done
                messages.success(request, "感谢您的评价")
    return render(request, "tutoring/public_complaint_track.html", {"form": form, "c": complaint})
