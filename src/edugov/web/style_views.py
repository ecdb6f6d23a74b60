"""The living style page (/style/): every component of the design system rendered with the class
names and partials to use, so that a developer copies markup from one place (see the conventions
at the top of web/static/web/edugov.css)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class SampleForm(forms.Form):
    """A form bound with one wrong value, to show labels, help text and field errors."""

    name = forms.CharField(label="学校名称", max_length=40, help_text="与办学许可证一致")
    pupils = forms.IntegerField(label="在校生数", min_value=0)
    category = forms.ChoiceField(label="学段", choices=[("primary", "小学"), ("junior", "初中")])
    public = forms.BooleanField(label="公办", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("name"):
            raise forms.ValidationError("同名学校已存在，请核对后再保存。")
        return data


SAMPLE_ROWS: list[dict[str, Any]] = [
    {
        "school": "城关第一小学",
        "pupils": 1864,
        "budget": Decimal("2350000"),
        "rate": 0.968,
        "status": ("ok", "达标"),
    },
    {
        "school": "南湖中学",
        "pupils": 1203,
        "budget": Decimal("1893450.5"),
        "rate": 0.842,
        "status": ("warn", "预警"),
    },
    {
        "school": "西山村教学点",
        "pupils": 37,
        "budget": Decimal("86000"),
        "rate": 0.51,
        "status": ("danger", "未达标"),
    },
]


@login_required
def style_page(request: HttpRequest) -> HttpResponse:
    form = SampleForm(data={"name": "城关第一小学", "pupils": "-3", "category": "primary"})
    form.is_valid()  # fills the errors shown by the form components
    return render(
        request,
        "web/style.html",
        {
            "form": form,
            "rows": SAMPLE_ROWS,
            "total_budget": sum((r["budget"] for r in SAMPLE_ROWS), Decimal(0)),
            "sample_date": dt.date(2026, 12, 5),
            "sample_time": timezone.now(),
            "badges": [
                ("ok", "达标", "正常、已完成、达标"),
                ("warn", "预警", "需要关注、即将到期"),
                ("danger", "超期", "超期、违规、未达标"),
                ("muted", "已关闭", "草稿、已关闭、不适用"),
                ("info", "进行中", "中性的进行状态"),
            ],
        },
    )
