"""Start-up warming (indicators.warm): for each district, the compliance pages' figures of the
default term (`compliance_page`, which computes and caches the class-week table too) for every
distinct read scope among the district's accounts that may see compliance (a read scope is
shared by every role that holds it: administrator, leader and officers read the same rows), so
the first visit of 作业时长监测 and 考试与课后服务 after a restart finds them cached."""

from __future__ import annotations

from edugov.reports.cache import read_scope_key
from edugov.reports.warmup import district_readers

from .selectors import compliance_page, default_term

MAX_SCOPES_PER_DISTRICT = 4  # start-up time stays bounded: the first scopes by account id


def warm() -> None:
    for reader in district_readers("burden.compliance", read_scope_key, MAX_SCOPES_PER_DISTRICT):
        term = default_term(user=reader)
        if term is not None:
            compliance_page(user=reader, term=term)
