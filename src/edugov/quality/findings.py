"""The quality app's finding sources for the rectification loop: a school whose value-added was
below expectation (its whole 95% interval under zero) in consecutive school years, and a school
whose fitness pass rate is under the target (data/quality_targets.toml). Stable cause keys: a rerun
refreshes the items."""

from __future__ import annotations

from collections.abc import Iterator

from edugov.accounts.models import Department
from edugov.accounts.scope import scoped
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source
from edugov.registry.models import School

from . import fitness_selectors, selectors
from .targets import targets
from .valueadded import BELOW

VA_BELOW = "quality.value_added_below"
FITNESS_LOW = "quality.fitness_pass_low"


def value_added_below(ctx: FindingContext) -> Iterator[Finding]:
    """Schools below expectation in `below_years` consecutive years (any subject in each year)."""
    need = targets().below_years
    visible = set(scoped(School, ctx.reader()).values_list("pk", flat=True))
    below: dict[int, dict[int, list[str]]] = {}  # school -> year -> the pairs it was below in
    for school_id, rows in selectors.school_value_added(sorted(visible)).items():
        for r in rows:
            if r["verdict"] == BELOW:
                below.setdefault(school_id, {}).setdefault(r["year"], []).append(
                    f"{r['year']}学年{r['subject']}增值{r['effect']:+.1f}分（95%区间{r['low']:.1f}～{r['high']:.1f}）"
                )
    names = dict(School.objects.filter(pk__in=list(below)).values_list("pk", "name"))
    for school_id, years in below.items():
        latest = max(years)
        run = [y for y in range(latest - need + 1, latest + 1) if y in years]
        if len(run) < need:
            continue
        yield Finding(
            cause_key=f"{VA_BELOW}:{school_id}:{latest}",
            source=VA_BELOW,
            unit=Unit.school(school_id),
            title=f"{names[school_id]}增值评价连续{need}年低于预期",
            evidence="；".join(e for y in run for e in years[y])
            + "。增值为同一批学生两次测评间比全区同等前测水平学生多（少）得的分数，"
            + "区间整体在0以下为低于预期。",
            severity="medium",
            required_action="分析教学质量原因（课程实施、教师配备、教学常规），制定改进计划，下一次监测复核。",
            department=Department.BASIC_EDUCATION,
            deadline_days=120,
            data={"years": run},
        )


def fitness_pass_low(ctx: FindingContext) -> Iterator[Finding]:
    """Schools whose pass rate in the latest year with results is under the target."""
    t = targets()
    reader = ctx.reader()
    years = fitness_selectors.fitness_years(actor=reader)
    if not years:
        return
    year = years[0]
    for r in fitness_selectors.school_rates(actor=reader, year=year):
        if r.n < selectors.MIN_GROUP or r.pass_rate is None or r.pass_rate >= t.pass_rate_min:
            continue
        yield Finding(
            cause_key=f"{FITNESS_LOW}:{r.unit_id}:{year.start_year}",
            source=FITNESS_LOW,
            unit=Unit.school(r.unit_id),
            title=f"{r.name}{year}体质健康测试及格率低于{t.pass_rate_min:g}%",
            evidence=(
                f"{year}参测{r.n}人，及格及以上{r.passed}人，及格率{r.pass_rate:.1f}%（目标{t.pass_rate_min:g}%，"
                f"依据：{t.pass_rate_source}，{t.pass_rate_status}）；优良率{r.good_rate:.1f}%。"
            ),
            severity="medium",
            required_action="落实每天校内外各1小时体育活动，针对不及格项目制定分项锻炼计划，下一学年测试复核。",
            department=Department.BASIC_EDUCATION,
            deadline_days=180,
            data={"n": r.n, "pass_rate": r.pass_rate, "year": year.start_year},
        )


def register() -> None:
    register_finding_source(VA_BELOW, value_added_below, label="增值评价连续低于预期")
    register_finding_source(FITNESS_LOW, fitness_pass_low, label="体质健康及格率低于目标")
