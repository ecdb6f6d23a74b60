"""Registry pages: areas, schools (list, detail, edit, export), classes (list, export), teachers.
Every read goes through the registry selectors (and so through the scoping point); every write
through the registry services. Lists filter with HTMX without reloading the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from edugov.accounts.actor import request_actor
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied
from edugov.common.text import mask_id_number, mask_phone
from edugov.web.exports import FORMATS, audited_export_response
from edugov.web.paging import paginate

from . import selectors
from .dashboard import limits_for
from .forms import ClassFilterForm, SchoolEditForm, SchoolFilterForm, TeacherFilterForm
from .models import Campus, SchoolYear
from .permissions import identifier_reader
from .services import school_update

DETAIL_TEACHERS = 20  # the detail page shows the first ones and links to the full teacher list


class PageError(ErrorCode):
    EXPORT_FORMAT = "不支持的导出格式“{fmt}”，可选 csv 或 xlsx"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def _export_format(request: HttpRequest) -> str:
    fmt = request.GET.get("fmt", "xlsx")
    if fmt not in FORMATS:
        raise DomainError(PageError.EXPORT_FORMAT, fmt=fmt[:10])
    return fmt


def _teacher_rows(user: Any, teachers: Any) -> list[dict[str, Any]]:
    clear = identifier_reader(user)  # the registry.teacher_identifiers rule, one query per page
    return [
        {
            "teacher": t,
            "id_number": t.id_number if clear(t) else mask_id_number(t.id_number),
            "phone": t.phone if clear(t) else mask_phone(t.phone),
        }
        for t in teachers
    ]


# Areas ---------------------------------------------------------------------------------------


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "registry.view")
    areas = list(selectors.area_list(user=request.user))
    counts = dict(
        selectors.school_list(user=request.user)
        .values("area_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("area_id", "n")
    )
    top = min((a.level for a in areas), default=0)
    nodes = [{"area": a, "indent": a.level - top, "schools": counts.get(a.pk, 0)} for a in areas]
    return render(request, "registry/area_list.html", {"nodes": nodes})


# Schools -------------------------------------------------------------------------------------


def _filtered_schools(request: HttpRequest, action: str = "registry.view") -> tuple[SchoolFilterForm, Any]:
    ensure_can(request.user, action)
    form = SchoolFilterForm(request.GET or None, user=request.user)
    f = form.filters
    qs = selectors.school_list(
        user=request.user,
        search=f.get("q", "").strip(),
        area=f.get("town"),
        school_type=f.get("school_type", ""),
        locale=f.get("locale", ""),
        ownership=f.get("ownership", ""),
    )
    return form, qs


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_schools(request)
    page, query_string = paginate(request, qs)
    context = {"form": form, "page_obj": page, "query_string": query_string}
    template = "registry/_school_results.html" if _is_htmx(request) else "registry/school_list.html"
    return render(request, template, context)


@login_required
def school_export(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "registry.export")
    fmt = _export_format(request)
    form, qs = _filtered_schools(request, "registry.export")
    headers = ["学校标识码", "学校名称", "办学类型", "举办者", "城乡分类代码", "城乡类别", "乡镇（街道）",
               "地址", "寄宿制", "教学点", "所属中心校"]  # fmt: skip
    rows = (
        [
            s.code,
            s.name,
            s.get_school_type_display(),
            s.get_ownership_display(),
            s.urban_rural_code,
            s.get_locale_display(),
            s.area.name,
            s.address,
            s.boarding,
            s.is_teaching_point,
            s.central_school.name if s.central_school else "",
        ]
        for s in qs.iterator(chunk_size=2000)
    )
    return audited_export_response(
        actor=request_actor(request), fmt=fmt, filename="学校名单", headers=headers, rows=rows,
        model_label="registry.School", changes={"filters": form.describe()},
    )  # fmt: skip


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ensure_can(user, "registry.view")
    school = get_object_or_404(selectors.school_list(user=user, include_archived=True), pk=pk)
    years = list(SchoolYear.objects.all())
    year = selectors.current_school_year()
    wanted = request.GET.get("year", "")
    if wanted.isdigit():
        year = next((y for y in years if y.pk == int(wanted)), year)
    classes = (
        selectors.school_class_list(user=user, school_year=year, school=school)
        .select_related("head_teacher")
        .annotate(size=F("boys") + F("girls"))
        if year is not None
        else []
    )
    teachers = selectors.teacher_list(user=user, school=school)
    teacher_total = teachers.count()
    context = {
        "school": school,
        "years": years,
        "year": year,
        "classes": classes,
        "teaching_points": selectors.school_list(user=user).filter(central_school=school),
        "campuses": scoped(Campus, user).filter(school=school, archived_at__isnull=True),
        "teacher_rows": _teacher_rows(user, teachers[:DETAIL_TEACHERS]),
        "teacher_total": teacher_total,
        "can_edit": can(user, "registry.school_edit", school),
        "limits": limits_for(user, school_year=year),
    }
    return render(request, "registry/school_detail.html", context)


@login_required
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    school = get_object_or_404(selectors.school_list(user=user), pk=pk)
    ensure_can(user, "registry.school_edit", school)
    form = SchoolEditForm(request.POST if request.method == "POST" else None, user=user, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            school_update(school=school, actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存“{school.name}”的基本信息")
            return redirect("registry:school_detail", pk=school.pk)
    return render(request, "registry/school_edit.html", {"school": school, "form": form})


# Classes -------------------------------------------------------------------------------------


def _filtered_classes(request: HttpRequest, action: str = "registry.view") -> tuple[ClassFilterForm, Any]:
    ensure_can(request.user, action)
    form = ClassFilterForm(request.GET or {}, user=request.user)
    f = form.filters
    qs = selectors.school_class_list(
        user=request.user,
        school_year=f.get("year"),
        school=f.get("school"),
        grade=f.get("grade"),
        min_size=form.limits.oversized_min if f.get("oversized") else None,
    ).select_related("head_teacher")
    if not f.get("oversized"):
        qs = qs.annotate(size=F("boys") + F("girls"))
    return form, qs


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_classes(request)
    page, query_string = paginate(request, qs)
    context = {
        "form": form,
        "page_obj": page,
        "query_string": query_string,
        "limits": form.limits,
    }
    template = "registry/_class_results.html" if _is_htmx(request) else "registry/class_list.html"
    return render(request, template, context)


@login_required
def class_export(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "registry.export")
    fmt = _export_format(request)
    form, qs = _filtered_classes(request, "registry.export")
    headers = [
        "学年",
        "学校标识码",
        "学校名称",
        "年级",
        "班号",
        "班级名称",
        "男生数",
        "女生数",
        "人数",
        "班额",
        "班主任",
    ]

    band = form.limits.band

    rows = (
        [
            str(c.school_year),
            c.school.code,
            c.school.name,
            c.get_grade_display(),
            c.number,
            c.name,
            c.boys,
            c.girls,
            c.enrolment,
            band(c.enrolment),
            c.head_teacher.name if c.head_teacher else "",
        ]
        for c in qs.iterator(chunk_size=2000)
    )
    return audited_export_response(
        actor=request_actor(request), fmt=fmt, filename="班级名单", headers=headers, rows=rows,
        model_label="registry.SchoolClass", changes={"filters": form.describe()},
    )  # fmt: skip


# Teachers ------------------------------------------------------------------------------------


@login_required
def teacher_list(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, "registry.view")
    form = TeacherFilterForm(request.GET or None, user=request.user)
    f = form.filters
    qs = selectors.teacher_list(user=request.user, school=f.get("school"))
    search = f.get("q", "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(staff_number__startswith=search))
    page, query_string = paginate(request, qs)
    context = {
        "form": form,
        "page_obj": page,
        "query_string": query_string,
        "teacher_rows": _teacher_rows(request.user, page.object_list),
    }
    template = "registry/_teacher_results.html" if _is_htmx(request) else "registry/teacher_list.html"
    return render(request, template, context)
