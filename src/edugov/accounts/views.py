"""The scope grants page: a district administrator gives an account one more area, school or
module anchor (an inspector another town, a group head a group) and withdraws it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from edugov.common.errors import DomainError

from . import services
from .actor import request_actor
from .models import Role, ScopeGrant, User
from .policy import ensure_can
from .selectors import administered_users, grant_rows, grant_target_choices


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.username}（{obj.display_name or obj.get_role_display()}）"


class GrantForm(forms.Form):
    user = _UserChoiceField(label="账号", queryset=User.objects.none(), empty_label="请选择账号")
    target = forms.ChoiceField(label="授予的数据范围")

    def __init__(self, data: Any = None, *, actor: User) -> None:
        super().__init__(data)
        users = self.fields["user"]
        assert isinstance(users, forms.ModelChoiceField)
        users.queryset = administered_users(actor=actor).exclude(role=Role.TEACHER).order_by("username")
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", "请选择"), *grant_target_choices(actor=actor)]

    def clean_target(self) -> tuple[str, int]:
        kind, _, object_id = self.cleaned_data["target"].partition(":")
        return kind, int(object_id)


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, "accounts.grant_view")
    form = GrantForm(request.POST or None, actor=actor)
    if request.method == "POST":
        ensure_can(actor, "accounts.grant")
        if form.is_valid():
            kind, object_id = form.cleaned_data["target"]
            try:
                user = form.cleaned_data["user"]
                services.grant_add(actor=actor, user=user, kind=kind, object_id=object_id)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已授予数据范围，并记入审计日志。")
                return redirect("scope_grants")
    return render(request, "accounts/grant_list.html", {"form": form, "rows": grant_rows(actor=actor)})


@login_required
@require_POST
def grant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ensure_can(actor, "accounts.grant")
    grant = get_object_or_404(ScopeGrant.objects.filter(user__in=administered_users(actor=actor)), pk=pk)
    try:
        services.grant_remove(actor=actor, grant=grant)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已收回数据范围，并记入审计日志。")
    return redirect("scope_grants")
