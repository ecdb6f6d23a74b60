"""Start-up warming (indicators.warm): the PDF faces registered (reading the three TrueType files
costs 1-3 s, which the first PDF of each process would otherwise pay), the writers imported, and
the report files of each district's first readers rendered into the cache (`cache.py`), so that
the first download after a restart is as fast as the next.

Each report is rendered as XLSX and PDF once for each distinct reader of it (`reader_key`: rows
and the report's module's read actions) among the district's first accounts (at its areas and
schools: the bureau's own first, then the most recently signed in); a report with a required
parameter for the sets its pages link a reader to first (`first_params`, at most two), never
every value. The budget goes
where a first download is slow: each report's first file first, timed in CPU, then the other
files of the costly reports, the costliest first. The work stops at a time budget
(EDUGOV_WARM_REPORTS_SECONDS, default 20; 0 turns it off): warming only saves time, and a server
must start."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Collection, Iterator
from itertools import product
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edugov.accounts.models import User

    from .registry import ReportSpec

log = logging.getLogger(__name__)

MAX_ACCOUNTS_PER_DISTRICT = 12  # the district's bureau accounts: administrator, officers, leader ...
MAX_PARAM_SETS = 2  # of a report with a required parameter, per reader: the most likely first
clock = time.perf_counter  # the budget's clock (a test moves its own)
cpu = time.process_time  # what a file costs to build, whatever the machine's load
CHEAP_SECONDS = 0.1  # CPU: a report whose first file cost less is built in time when first asked
DEFAULT_BUDGET = 20.0  # seconds: a server must start; a file not warmed is rendered when first asked


def warm() -> None:
    from . import pdf, xlsx  # noqa: F401 (imported for their start-up cost)
    from .fonts import faces

    faces()
    warm_files()


def budget() -> float:
    try:
        return max(0.0, float(os.environ.get("EDUGOV_WARM_REPORTS_SECONDS", DEFAULT_BUDGET)))
    except ValueError:
        return DEFAULT_BUDGET


def warm_files(seconds: float | None = None, names: Collection[str] | None = None) -> int:
    """Render into the cache each district's first readers' reports (`names`: only these): those
    without a required parameter, and those with one for the parameter sets the reader most
    likely asks first (`first_params`, at most MAX_PARAM_SETS); the number of files rendered
    (those already kept count too).

    The budget goes where a first download is slow: each report's first file (its most likely
    reader's) first, timed in CPU seconds; then the other files of the reports that cost more
    than CHEAP_SECONDS, the costliest report first (a cheap report is built in time when asked)."""
    from .cache import cacheable
    from .download import rendered

    limit = budget() if seconds is None else seconds
    if limit <= 0 or not cacheable():
        return 0
    deadline = clock() + limit
    per_report = [jobs for jobs in _jobs(names) if jobs]
    cost: dict[str, float] = {}  # CPU seconds of each report's first file
    done = 0
    for spec, reader, params, fmt in _in_order(per_report, cost):
        if clock() > deadline:
            log.info("report warm-up stopped at its budget after %d files", done)
            return done
        started = cpu()
        try:
            rendered(spec, reader, fmt, params)
            done += 1
        except Exception:  # a report that cannot be built now is built when asked
            log.warning("warm-up of report %s (%s) failed", spec.name, fmt, exc_info=True)
        cost.setdefault(spec.name, cpu() - started)
    return done


def _in_order(per_report: list[list[Job]], cost: dict[str, float]) -> Iterator[Job]:
    """Each report's first file; then (lazily, once `cost` holds what those cost) the other files
    of the reports that cost CHEAP_SECONDS or more, the costliest first."""
    yield from (jobs[0] for jobs in per_report)
    for jobs in sorted(per_report, key=lambda jobs: -cost.get(jobs[0][0].name, 0.0)):
        if cost.get(jobs[0][0].name, 0.0) >= CHEAP_SECONDS:
            yield from jobs[1:]


Job = tuple["ReportSpec", "User", dict[str, str], str]  # report, reader, parameters, format


def _jobs(names: Collection[str] | None) -> Iterator[list[Job]]:
    """Per district and report, the files to warm: each distinct reader (`reader_key`) among the
    district's first accounts (`district_accounts`), their parameter sets, XLSX then PDF."""
    from edugov.accounts.policy import can
    from edugov.registry.models import Area, AreaLevel

    from .cache import reader_key
    from .registry import report_specs

    specs = [s for s in report_specs() if names is None or s.name in names]
    for district in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        accounts = district_accounts(district.path)
        for spec in specs:
            module = spec.action.partition(".")[0]
            readers: dict[str, User] = {}  # one account per distinct reader of this report
            for user in accounts:
                if can(user, spec.action):
                    readers.setdefault(reader_key(user, module), user)
            # The district's own accounts first: they read every row, so the first file's cost
            # is the report's dearest (a teacher's file of the same report is cheap).
            wide = sorted(readers.values(), key=lambda u: u.area_id != district.pk)
            yield [
                (spec, reader, params, fmt)
                for reader in wide
                for params, fmt in product(param_sets(spec, reader), ("xlsx", "pdf"))
                if fmt in spec.formats
            ]


def district_accounts(path: str) -> list[User]:
    """The district's first MAX_ACCOUNTS_PER_DISTRICT active accounts among those anchored at its
    areas and its schools (administrators, teachers): the bureau's own (anchored at the district
    itself: they read every row, and many schools signing in must not push them out) first, then
    the most recently signed in, then by id."""
    from django.db.models import Case, F, Q, Value, When

    from edugov.accounts.models import User

    where = Q(area__path__startswith=path) | Q(school__area__path__startswith=path)
    users = User.objects.filter(where, is_active=True).select_related("area", "school")
    bureau_first = Case(When(area__path=path, then=Value(0)), default=Value(1))
    return list(
        users.order_by(bureau_first, F("last_login").desc(nulls_last=True), "pk")[:MAX_ACCOUNTS_PER_DISTRICT]
    )


def param_sets(spec: ReportSpec, reader: User) -> list[dict[str, str]]:
    """The parameter sets to warm of `spec` for `reader`: the module's most likely first sets (at
    most MAX_PARAM_SETS: what its pages link to); else none ({}) for a report that needs none,
    nothing for one with a required parameter."""
    if spec.first_params is None:
        return [] if any(p.required for p in spec.params) else [{}]
    try:
        return list(spec.first_params(reader))[:MAX_PARAM_SETS]
    except Exception:  # warming only saves time: the file is rendered when asked
        log.warning("first parameters of report %s failed", spec.name, exc_info=True)
        return []


def district_readers(action: str, key: Callable[[User], str], limit: int) -> Iterator[User]:
    """For an app's start-up warming: in each district, the first `limit` accounts anchored at the
    district (by id) that hold `action` and differ in `key` (what its cached figures depend on of
    their reader), so start-up time stays bounded."""
    from edugov.accounts.models import User
    from edugov.accounts.policy import can
    from edugov.registry.models import Area, AreaLevel

    for area in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        readers: dict[str, User] = {}
        for user in User.objects.filter(area=area, is_active=True).select_related("area").order_by("pk"):
            if can(user, action):
                readers.setdefault(key(user), user)
        yield from list(readers.values())[:limit]
