"""The report registry: each module's `reports.py` registers its official outputs with a name, the
policy action that may run them, a builder returning a `Document` and the parameters it takes.
The page download, the API and `edugov report` all run a report by its name from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

from edugov.common.errors import DomainError

from .document import Document
from .errors import ReportError

# A builder: `builder(*, actor: User | None, **params) -> Document`, reading with the actor's
# scope (`read_as(actor)`); its keywords are the report's declared params.
Builder = Callable[..., Document]
# For a report with a required parameter: `first_params(reader)`, the parameter sets (as text, as
# the module's page links send them) that the reader most likely asks first, most likely first
# (the current term, the reader's own school or their list's first row); start-up warms the first
# few (reports.warmup). Never every value: the warm-up's budget is seconds.
FirstParams = Callable[[Any], Sequence[dict[str, str]]]


@dataclass(frozen=True)
class Param:
    """One keyword of the builder, read from a query string or `--param k=v` (text) by `parse`."""

    name: str
    label: str
    parse: Callable[[str], Any] = str
    required: bool = False
    default: Any = None

    def read(self, raw: str | None) -> Any:
        if raw is None or raw == "":
            if self.required:
                raise DomainError(ReportError.MISSING_PARAM, label=self.label, name=self.name)
            return self.default
        try:
            return self.parse(raw)
        except DomainError:
            raise
        except (TypeError, ValueError):
            raise DomainError(ReportError.BAD_PARAM, label=self.label, value=str(raw)[:20]) from None


def integer(raw: str) -> int:
    return int(raw.strip())


def date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw.strip())


@dataclass(frozen=True)
class ReportSpec:
    name: str  # "<module>.<report>", as in `edugov report burden.monthly`
    label: str  # Chinese, in lists and refusals
    action: str  # the policy action that may run it (and download it)
    builder: Builder
    params: tuple[Param, ...] = ()
    model: str = ""  # the audit event's model label ("burden.Homework")
    formats: tuple[str, ...] = ("json", "xlsx", "pdf")
    extra: dict[str, Any] = field(default_factory=dict)
    first_params: FirstParams | None = None

    def read_params(self, raw: dict[str, str]) -> dict[str, Any]:
        """The builder's keywords from text values; names the report does not take are ignored
        (a page's query string carries its own filters too)."""
        return {p.name: p.read(raw.get(p.name)) for p in self.params}


_REPORTS: dict[str, ReportSpec] = {}
_discovered = False


def register_report(
    name: str,
    label: str,
    *,
    action: str,
    builder: Builder,
    params: tuple[Param, ...] = (),
    model: str = "",
    formats: tuple[str, ...] = ("json", "xlsx", "pdf"),
    first_params: FirstParams | None = None,
) -> ReportSpec:
    if name in _REPORTS and _REPORTS[name].builder is not builder:
        raise ValueError(f"report {name!r} is registered twice")
    spec = ReportSpec(
        name=name,
        label=label,
        action=action,
        builder=builder,
        params=params,
        model=model,
        formats=formats,
        first_params=first_params,
    )
    _REPORTS[name] = spec
    return spec


def _discover() -> None:
    """Import every installed app's `reports` module once, so that a module's reports exist
    without the core naming them (as the admin discovers `admin.py`)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("reports")
        _discovered = True


def report_specs() -> list[ReportSpec]:
    _discover()
    return sorted(_REPORTS.values(), key=lambda s: s.name)


def report_spec(name: str) -> ReportSpec:
    _discover()
    try:
        return _REPORTS[name]
    except KeyError:
        raise DomainError(ReportError.UNKNOWN_REPORT, name=name[:60]) from None
