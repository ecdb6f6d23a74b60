"""Evidence files of a group's unification: upload one, download one (scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import ensure_can
from edugov.common.errors import DomainError, PermissionDenied

from .. import services
from ..downloads import evidence_response
from ..errors import GroupsError as E
from ..models import Activity
from ..permissions import action
from .common import _current_term, _group, _int, _required_school, group_url
from .group import _render_group


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor, group = _group(request, pk)
    ensure_can(actor, action("activity_edit"))
    term = _current_term(request)
    try:
        school = _required_school(actor, request.POST.get("school", ""), "上传学校")
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(E.BAD_FIELD, field="文件", reason="请选择要上传的文件")
        activity = None
        raw = (request.POST.get("activity") or "").strip()
        if raw:
            activity = Activity.objects.filter(group=group, pk=_int(raw, "活动")).first()
            if activity is None:
                raise DomainError(E.BAD_FIELD, field="活动", reason="不是本集团的活动")
        row = services.evidence_upload(
            actor=actor,
            group=group,
            school=school,
            term=term,
            unification=request.POST.get("unification", ""),
            upload=upload,
            activity=activity,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _render_group(request, actor, group, term, [exc.message])
    messages.success(request, f"已上传“{row.original_name}”")
    return redirect(f"{group_url(group)}?term={row.term}")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever reads its group (the bureau, the group head, a member)."""
    return evidence_response(request_actor(request), pk)
