"""Red and black list pages: list and generate, detail with approve/publish, notice downloads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel
from edugov.reports import report_response

from . import rankings
from .models import PeriodKind, Ranking


class RankingForm(forms.Form):
    period_kind = forms.ChoiceField(label="周期", choices=PeriodKind.choices)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="月份/季度", min_value=1, max_value=12)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("period_kind") == PeriodKind.QUARTER and data.get("number", 0) > 4:
            self.add_error("number", "季度应为1～4")
        return data


def _district(user) -> Area | None:  # type: ignore[no-untyped-def]
    return scoped(Area, user).filter(level=AreaLevel.DISTRICT).order_by("path").first()


@login_required
def ranking_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RankingForm(
        request.POST or None, initial={"period_kind": "month", "year": today.year, "number": today.month}
    )
    if request.method == "POST":
        area = _district(request.user)
        if form.is_valid() and area is not None:
            d = form.cleaned_data
            start, end = rankings.period_bounds(d["period_kind"], d["year"], d["number"])
            try:
                r = rankings.ranking_create(
                    user=request.user,
                    area=area,
                    period_kind=d["period_kind"],
                    period_start=start,
                    period_end=end,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已生成草稿：{r.title}")
                return redirect("rectification:ranking_detail", pk=r.pk)
        elif area is None:
            form.add_error(None, "您的账号没有区县范围，不能生成红黑榜")
    items = scoped(Ranking, request.user).select_related("area")
    return render(
        request,
        "rectification/ranking_list.html",
        {"rankings": items, "form": form, "can_manage": rankings.may_manage(request.user)},
    )


def _get(request: HttpRequest, pk: int) -> Ranking:
    r = scoped(Ranking, request.user).select_related("area").filter(pk=pk).first()
    if r is None:
        raise Http404("红黑榜不存在或不在您的数据范围内")
    return r


@login_required
def ranking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _get(request, pk)
    return render(
        request,
        "rectification/ranking_detail.html",
        {"ranking": r, "entries": r.entries.all(), "can_manage": rankings.may_manage(request.user)},
    )


@login_required
@require_POST
def ranking_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    r = _get(request, pk)
    try:
        if step == "approve":
            rankings.ranking_approve(ranking=r, user=request.user)
            messages.success(request, "已审核")
        elif step == "publish":
            rankings.ranking_publish(ranking=r, user=request.user)
            messages.success(request, "已发布")
        else:
            raise Http404("操作不存在")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rectification:ranking_detail", pk=pk)


@login_required
def ranking_notice(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The notice as PDF or XLSX: the registered report rectification.ranking_notice."""
    r = _get(request, pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404("不支持的格式")
    return report_response(
        request_actor(request), "rectification.ranking_notice", fmt, {"ranking": str(r.pk)}
    )
