"""Reads of quality monitoring: assessments in scope, band distributions and score distributions per
school and class, and value-added with intervals. Everything returned is an aggregate of at least
MIN_GROUP pupils (smaller groups show counts only): no pupil key, no pupil's score, no ordering of
pupils leaves this module."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Avg, Count, F, Q, QuerySet

from edugov.accounts.models import User
from edugov.accounts.scope import scoped, write_scoped
from edugov.common.cache import cached_figure
from edugov.common.errors import DomainError
from edugov.registry.models import Area, School, SchoolClass

from .errors import QualityError as E
from .models import BAND_ORDER, Assessment, Band, Result
from .valueadded import VERDICT_LABELS, ValueAddedFit, fit_value_added

MIN_GROUP = 5  # fewer pupils than this: a mean would come close to showing one pupil's score
MIN_PAIRED = 30
MIN_GROUPS = 3
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class BandRow:
    """One unit's band distribution (a school, a class, the district)."""

    unit_id: int
    name: str
    town: str
    n: int
    counts: dict[str, int]
    mean: float | None  # None when fewer than MIN_GROUP pupils

    @property
    def shares(self) -> dict[str, float]:
        return {b: (100.0 * c / self.n if self.n else 0.0) for b, c in self.counts.items()}

    @property
    def cells(self) -> list[tuple[str, int, float]]:
        """(band label, count, share %) in band order, for templates and reports."""
        return [(str(Band(b).label), self.counts[b], self.shares[b]) for b in BAND_ORDER]

    @property
    def suppressed(self) -> bool:
        return self.mean is None


def assessment_list(*, actor: User) -> QuerySet[Assessment]:
    """The assessments with results the actor may read, and those their own area organised."""
    seen = scoped(Assessment, actor).values("pk")
    organised = write_scoped(Area, actor).values("pk")
    return (
        Assessment.objects.filter(Q(pk__in=seen) | Q(area__in=organised))
        .select_related("school_year", "area")
        .order_by("-held_on", "code")
    )


def assessment_get(*, actor: User, pk: Any) -> Assessment:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise DomainError(E.UNKNOWN_ASSESSMENT) from None
    found = assessment_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise DomainError(E.UNKNOWN_ASSESSMENT)
    return found


def assessments_for_school(*, actor: User, school: School) -> QuerySet[Assessment]:
    """The assessments a school's pupils took, as the actor may see the school's results."""
    results = scoped(Result, actor).filter(school=school)
    return Assessment.objects.filter(pk__in=results.values("assessment_id")).select_related("school_year")


def _band_aggregates() -> dict[str, Any]:
    a = "assessment__"
    return {
        "n": Count("pk"),
        "mean": Avg("score"),
        Band.EXCELLENT: Count("pk", filter=Q(score__gte=F(f"{a}excellent_min"))),
        Band.GOOD: Count("pk", filter=Q(score__gte=F(f"{a}good_min"), score__lt=F(f"{a}excellent_min"))),
        Band.PASS: Count("pk", filter=Q(score__gte=F(f"{a}pass_min"), score__lt=F(f"{a}good_min"))),
        Band.BELOW: Count("pk", filter=Q(score__lt=F(f"{a}pass_min"))),
    }


def _row(unit_id: int, name: str, town: str, agg: Any) -> BandRow:
    n = int(agg["n"] or 0)
    mean = agg["mean"]
    return BandRow(
        unit_id=unit_id,
        name=name,
        town=town,
        n=n,
        counts={b: int(agg[b] or 0) for b in BAND_ORDER},
        mean=round(float(mean), 1) if mean is not None and n >= MIN_GROUP else None,
    )


def school_bands(*, actor: User, assessment: Assessment) -> list[BandRow]:
    """Each school's bands in the actor's scope, by town and school code (never by score)."""
    rows = (
        scoped(Result, actor)
        .filter(assessment=assessment)
        .values("school_id", "school__name", "school__area__name", "school__code")
        .annotate(**_band_aggregates())
        .order_by("school__area__name", "school__code")
    )
    return [_row(r["school_id"], r["school__name"], r["school__area__name"], r) for r in rows]


def class_bands(*, actor: User, assessment: Assessment, school: School) -> list[BandRow]:
    rows = (
        scoped(Result, actor)
        .filter(assessment=assessment, school=school)
        .values("school_class_id", "school_class__name", "school_class__number")
        .annotate(**_band_aggregates())
        .order_by("school_class__number")
    )
    return [
        _row(r["school_class_id"], r["school_class__name"] or f"{r['school_class__number']}班", "", r)
        for r in rows
    ]


def total_bands(*, actor: User, assessment: Assessment, school: School | None = None) -> BandRow:
    qs = scoped(Result, actor).filter(assessment=assessment)
    if school is not None:
        qs = qs.filter(school=school)
    agg = qs.aggregate(**_band_aggregates())
    return _row(0, school.name if school else "合计", "", agg)


def score_histogram(*, actor: User, assessment: Assessment, school: School | None = None) -> dict[str, Any]:
    """Counts of scores in ten equal ranges of the full mark (a distribution, not a list)."""
    qs = scoped(Result, actor).filter(assessment=assessment)
    if school is not None:
        qs = qs.filter(school=school)
    top = float(assessment.max_score)
    width = top / HISTOGRAM_BINS
    edges = [round(width * i, 1) for i in range(HISTOGRAM_BINS + 1)]
    scores = np.asarray([float(s) for s in qs.values_list("score", flat=True)], dtype=np.float64)
    counts = np.histogram(np.clip(scores, 0, top), bins=edges)[0] if scores.size else np.zeros(HISTOGRAM_BINS)
    return {
        "key": "histogram",
        "kind": "bar",
        "unit": "人",
        "categories": [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(HISTOGRAM_BINS)],
        "series": [{"name": "人数", "data": [int(c) for c in counts]}],
    }


# Value added ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectRow:
    unit_id: int
    name: str
    town: str
    n: int
    effect: float
    low: float
    high: float
    verdict: str
    verdict_label: str


@dataclass
class ValueAddedView:
    prior: Assessment
    post: Assessment
    level: str  # "school" or "class"
    n_pupils: int
    n_groups: int
    slope: float
    intercept: float
    sigma: float
    tau: float
    icc: float
    rows: list[EffectRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICT_LABELS.values(), 0)
        for r in self.rows:
            out[r.verdict_label] += 1
        return out

    def chart(self) -> dict[str, Any]:
        """The caterpillar chart's payload: one row per unit in the page's order, with its interval."""
        return {
            "key": "value_added",
            "unit": "分",
            "categories": [r.name for r in self.rows],
            "effect": [round(r.effect, 2) for r in self.rows],
            "low": [round(r.low, 2) for r in self.rows],
            "high": [round(r.high, 2) for r in self.rows],
            "verdict": [r.verdict for r in self.rows],
        }


def check_pair(prior: Assessment, post: Assessment) -> None:
    if prior.pk == post.pk:
        raise DomainError(E.SAME_ASSESSMENT)
    if prior.subject != post.subject:
        raise DomainError(E.DIFFERENT_SUBJECT, prior=prior.subject, post=post.subject)
    if post.held_on <= prior.held_on:
        raise DomainError(E.POST_BEFORE_PRIOR, prior=prior.held_on.isoformat(), post=post.held_on.isoformat())


@cached_figure("quality.value_added_fit")
def _fit(prior: Assessment, post: Assessment, level: str) -> tuple[ValueAddedFit, dict[int, int]]:
    """Fit on every pupil who took both assessments (the district reference: not narrowed to the
    reader's scope, which would change what "expected" means); returns the fit and each group's
    school. The same for every reader, so cached per data generation once for all of them: a
    school's own page no longer refits the district's pupils on every visit."""
    before = dict(Result.objects.filter(assessment=prior).values_list("pupil_key", "score"))
    group_field = "school_id" if level == "school" else "school_class_id"
    post_rows, prior_scores, groups, school_of = [], [], [], {}
    for key, score, group, school_id in Result.objects.filter(assessment=post).values_list(
        "pupil_key", "score", group_field, "school_id"
    ):
        earlier: Decimal | None = before.get(key)
        if earlier is None:
            continue
        post_rows.append(float(score))
        prior_scores.append(float(earlier))
        groups.append(group)
        school_of[group] = school_id
    if len(post_rows) < MIN_PAIRED:
        raise DomainError(E.TOO_FEW_PUPILS, minimum=MIN_PAIRED, n=len(post_rows))
    if len(set(groups)) < MIN_GROUPS:
        raise DomainError(
            E.TOO_FEW_GROUPS, minimum=MIN_GROUPS, unit="所学校" if level == "school" else "个班级"
        )
    fit = fit_value_added(post=post_rows, prior=prior_scores, groups=groups)
    return fit, school_of


def value_added(
    *,
    actor: User,
    prior: Assessment,
    post: Assessment,
    level: str = "school",
    school: School | None = None,
    sort: str = "name",
) -> ValueAddedView:
    """Each school's (or class's) value-added between `prior` and `post`, for the units in the
    actor's scope (and of `school`, when given), ordered by name or, when asked, by value-added
    (the intervals are always drawn alongside)."""
    check_pair(prior, post)
    level = "class" if level == "class" else "school"
    fit, school_of = _fit(prior, post, level)
    visible = scoped(School, actor)
    if school is not None:
        visible = visible.filter(pk=school.pk)
    names: dict[int, tuple[str, str]]
    if level == "school":
        names = {pk: (n, t) for pk, n, t in visible.values_list("pk", "name", "area__name")}
    else:
        classes = SchoolClass.objects.filter(pk__in=list(school_of), school__in=visible)
        names = {
            pk: (f"{s} {c or ''}".strip(), t)
            for pk, s, c, t in classes.values_list("pk", "school__name", "name", "school__area__name")
        }
    rows = [
        EffectRow(
            e.group,
            names[e.group][0],
            names[e.group][1],
            e.n,
            e.effect,
            e.low,
            e.high,
            e.verdict,
            e.verdict_label,
        )
        for e in fit.effects
        if e.group in names
    ]
    if sort == "effect":
        rows.sort(key=lambda r: (-r.effect, r.name))
    else:
        rows.sort(key=lambda r: (r.town, r.name))
    return ValueAddedView(
        prior=prior,
        post=post,
        level=level,
        n_pupils=fit.n_pupils,
        n_groups=fit.n_groups,
        slope=fit.coefficients["前测成绩"],
        intercept=fit.intercept,
        sigma=fit.sigma,
        tau=fit.tau,
        icc=fit.icc,
        rows=rows,
    )


def pick_assessment(assessments: list[Assessment], raw: Any) -> Assessment:
    """The assessment of id `raw` among those the page offers (a Chinese refusal otherwise)."""
    found = next((a for a in assessments if str(a.pk) == str(raw).strip()), None)
    if found is None:
        raise DomainError(E.UNKNOWN_ASSESSMENT)
    return found


def default_pair(assessments: list[Assessment]) -> tuple[Assessment, Assessment] | None:
    """The latest assessment and the latest earlier one of the same subject sharing pupils with it."""
    assessments = sorted(assessments, key=lambda a: (a.held_on, a.pk), reverse=True)
    for post in assessments:
        keys = Result.objects.filter(assessment=post).values("pupil_key")
        for prior in assessments:
            if (
                prior.subject == post.subject
                and prior.held_on < post.held_on
                and Result.objects.filter(assessment=prior, pupil_key__in=keys).exists()
            ):
                return prior, post
    return None


def assessment_pairs(assessments: list[Assessment] | None = None) -> list[tuple[Assessment, Assessment]]:
    """Every assessment that has an earlier one of the same subject sharing pupils, with the latest
    such earlier one: (prior, post), oldest post first. Unscoped (the district reference)."""
    pool = sorted(
        assessments if assessments is not None else Assessment.objects.select_related("school_year"),
        key=lambda a: (a.held_on, a.pk),
    )
    pairs = []
    for i, post in enumerate(pool):
        keys = Result.objects.filter(assessment=post).values("pupil_key")
        for prior in reversed(pool[:i]):
            if (
                prior.subject == post.subject
                and prior.held_on < post.held_on
                and Result.objects.filter(assessment=prior, pupil_key__in=keys).exists()
            ):
                pairs.append((prior, post))
                break
    return pairs


def school_value_added(
    school_ids: list[int], *, year: int | None = None, subject: str | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Each school's value-added in every pair of assessments (`assessment_pairs`), or those whose
    post test falls in the school year starting `year` and of `subject`, as plain dicts:
    {school_id: [{"prior", "post", "subject", "year", "n", "effect", "low", "high", "verdict",
    "verdict_label"}]}. A pair too small to fit is left out. Not scoped: the caller reads for
    schools it may see (the fit is the district's reference either way)."""
    wanted = set(school_ids)
    out: dict[int, list[dict[str, Any]]] = {}
    for prior, post in assessment_pairs():
        if year is not None and post.school_year.start_year != year:
            continue
        if subject is not None and post.subject != subject:
            continue
        try:
            fit, _ = _fit(prior, post, "school")
        except DomainError:
            continue
        for e in fit.effects:
            if e.group in wanted:
                out.setdefault(e.group, []).append(
                    {
                        "prior": prior.pk,
                        "post": post.pk,
                        "subject": post.subject,
                        "year": post.school_year.start_year,
                        "n": e.n,
                        "effect": round(e.effect, 2),
                        "low": round(e.low, 2),
                        "high": round(e.high, 2),
                        "verdict": e.verdict,
                        "verdict_label": e.verdict_label,
                    }
                )
    return out


def town_bands(*, actor: User, assessment: Assessment) -> list[BandRow]:
    """Each town's bands in the actor's scope for one assessment, by town code."""
    rows = (
        scoped(Result, actor)
        .filter(assessment=assessment)
        .values("school__area_id", "school__area__name", "school__area__code")
        .annotate(**_band_aggregates())
        .order_by("school__area__code")
    )
    return [_row(r["school__area_id"], r["school__area__name"], "", r) for r in rows]


@dataclass(frozen=True)
class CockpitBlock:
    assessment: Assessment
    total: BandRow
    towns: list[BandRow]


def cockpit(*, actor: User, assessments: list[Assessment]) -> list[CockpitBlock]:
    """The quality cockpit's band blocks: every assessment of the latest school year with results,
    by subject and grade, each with its towns' band distributions."""
    if not assessments:
        return []
    latest = max(a.school_year.start_year for a in assessments)
    chosen = sorted(
        (a for a in assessments if a.school_year.start_year == latest),
        key=lambda a: (a.subject, a.grade, a.code),
    )
    blocks = []
    for a in chosen:
        total = total_bands(actor=actor, assessment=a)
        if total.n:
            blocks.append(CockpitBlock(a, total, town_bands(actor=actor, assessment=a)))
    return blocks
