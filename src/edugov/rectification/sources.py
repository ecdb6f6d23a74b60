"""The finding sources this app registers itself: oversized classes (registry, current school year)
and schools failing the 优质均衡 resource indicators. Other modules register theirs the same way
(see findings.py and docs/rectification.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F

from edugov.accounts.models import Department
from edugov.registry.models import Area, AreaLevel, SchoolClass, SchoolYear
from edugov.standards.loader import library

from .findings import Finding, FindingContext, Unit, register_finding_source
from .models import Severity

OVERSIZED = "registry.oversized_class"
BALANCED = "resources.balanced_school"


def _current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def oversized_classes(ctx: FindingContext) -> Iterator[Finding]:
    """One finding per school with 大班额 classes in the current school year (thresholds from the
    standards library per area, provincial/district overrides honoured; the texts name them)."""
    year = _current_year()
    if year is None:
        return
    lib = library()
    qs = SchoolClass.objects.filter(
        school_year=year, archived_at__isnull=True, school__archived_at__isnull=True
    )
    if ctx.area is not None:
        qs = qs.filter(school__area__path__startswith=ctx.area.path)
    # coarse SQL cut at the lowest threshold any standards file sets; the exact one is applied
    # per area below
    floor = min(r.values.get("all", 0) for r in lib.rules.get("class_size.oversized_min", [])) or 0
    rows = (
        qs.annotate(size=F("boys") + F("girls"))
        .filter(size__gte=int(floor))
        .values("school_id", "school__name", "school__area__path", "grade", "number", "name", "size")
        .order_by("school_id", "grade", "number")
    )
    thresholds: dict[str, tuple[int, int]] = {}
    by_school: dict[int, list[dict[str, object]]] = defaultdict(list)
    names: dict[int, str] = {}
    school_limits: dict[int, tuple[int, int]] = {}
    for row in rows:
        path = str(row["school__area__path"])
        if path not in thresholds:
            thresholds[path] = (
                int(lib.value("class_size.oversized_min", area_path=path, year=year.start_year).value),
                int(lib.value("class_size.very_oversized_min", area_path=path, year=year.start_year).value),
            )
        low, very = thresholds[path]
        size = int(row["size"])  # type: ignore[call-overload]
        if size < low:
            continue
        sid = int(row["school_id"])  # type: ignore[call-overload]
        names[sid] = str(row["school__name"])
        school_limits[sid] = (low, very)
        by_school[sid].append(
            {
                "class": str(row["name"] or f"{row['grade']}年级{row['number']}班"),
                "size": size,
                "very": size >= very,
            }
        )
    for sid, classes in by_school.items():
        low, very = school_limits[sid]
        very_count = sum(1 for c in classes if c["very"])
        listed = "、".join(f"{c['class']}（{c['size']}人）" for c in classes[:12])
        more = f"等{len(classes)}个班" if len(classes) > 12 else f"共{len(classes)}个班"
        yield Finding(
            cause_key=f"{OVERSIZED}:{sid}:{year.start_year}",
            source=OVERSIZED,
            unit=Unit.school(sid),
            title=f"{names[sid]}存在大班额" + ("（含超大班额）" if very_count else ""),
            evidence=f"{year}班级数据：{listed}，{more}达到或超过{low}人，其中{very}人及以上{very_count}个。",
            severity=Severity.HIGH if very_count else Severity.MEDIUM,
            required_action=f"制定消除大班额方案，通过分班、扩班或调整招生计划，于期限内将班额降至{low}人以下。",
            department=Department.BASIC_EDUCATION,
            deadline_days=60,
            data={
                "school_year": year.start_year,
                "classes": classes,
                "oversized_min": low,
                "very_oversized_min": very,
            },
        )


def balanced_failing_schools(ctx: FindingContext) -> Iterator[Finding]:
    """One finding per school and stage that fails the 优质均衡 resource indicators."""
    from edugov.resources.evaluation import evaluate_balanced

    year = _current_year()
    if year is None:
        return
    districts = Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True)
    if ctx.area is not None:
        if ctx.area.level >= AreaLevel.DISTRICT:
            district_path = "/".join(ctx.area.path.strip("/").split("/")[: AreaLevel.DISTRICT])
            districts = districts.filter(path=f"/{district_path}/")
        else:
            districts = districts.filter(path__startswith=ctx.area.path)
    for district in districts:
        if not district.children.filter(schools__isnull=False).exists():
            continue
        evaluation = evaluate_balanced(school_year=year, area=district)
        for s in evaluation.schools:
            if s.passed is not False:
                continue
            unmet = [i for i in s.indicators if i.met is False]
            listed = "；".join(
                f"{i.name}{_fmt(i.value)}{i.unit}（标准{_fmt(i.standard)}{i.unit}）" for i in unmet
            )
            yield Finding(
                cause_key=f"{BALANCED}:{s.school_id}:{s.stage}:{year.start_year}",
                source=BALANCED,
                unit=Unit.school(s.school_id),
                title=f"{s.school_name}（{s.stage_label}）优质均衡资源配置指标未达标",
                evidence=f"{year}优质均衡评估：{s.verdict}。未达标指标：{listed}。",
                severity=Severity.HIGH if s.met_count <= 3 else Severity.MEDIUM,
                required_action="对照未达标指标制定补短板计划（教师配备、校舍场地、仪器设备），明确资金与完成时限。",
                department=Department.BASIC_EDUCATION,
                deadline_days=90,
                data={
                    "school_year": year.start_year,
                    "stage": s.stage,
                    "met": s.met_count,
                    "unmet": [i.code for i in unmet],
                },
            )


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


register_finding_source(OVERSIZED, oversized_classes, label="大班额")
register_finding_source(BALANCED, balanced_failing_schools, label="优质均衡指标未达标")
