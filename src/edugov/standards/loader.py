"""Standards as data: versioned TOML files with their sources, loaded once and resolved by rule
code, stage, urban/rural locale, year and area.

A national file holds the policy numbers; a province or district overrides a rule by adding a file
with `scope = "province"` (or "city"/"district") and `area_code = "<its code>"`. The most specific
file covering the area wins; within one level, the later `year` wins. Extra directories come from
EDUGOV_STANDARDS_DIRS (os.pathsep separated), so a bureau adds its files without touching the code.
"""

from __future__ import annotations

import hashlib
import operator
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SCOPE_PRECEDENCE = {"national": 0, "province": 10, "city": 20, "district": 30}
STATUSES = {"confirmed": "已核实", "summary": "据摘要", "to-verify": "待核实"}
COMPARISONS = {">=", "<=", ">", "<", "=="}


class StandardsError(ValueError):
    """A standards file is malformed; the message names the file and the problem (in Chinese)."""


@dataclass(frozen=True)
class Source:
    file_id: str
    title: str
    document: str
    issuer: str
    year: int
    scope: str
    area_code: str

    @property
    def precedence(self) -> int:
        return SCOPE_PRECEDENCE[self.scope]

    def citation(self) -> str:
        return f"{self.title}（{self.document}）"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    unit: str
    comparison: str
    values: dict[str, float]
    article: str
    status: str
    source: Source
    note: str = ""
    effective_from: int | None = None
    effective_to: int | None = None

    def value_for(self, *, stage: str = "all", locale: str | None = None) -> float | None:
        for key in (f"{stage}:{locale}" if locale else None, stage, "all"):
            if key and key in self.values:
                return self.values[key]
        return None

    def applies_in(self, year: int | None) -> bool:
        if year is None:
            return True
        if self.effective_from is not None and year < self.effective_from:
            return False
        return not (self.effective_to is not None and year > self.effective_to)

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def citation(self) -> str:
        article = f" {self.article}" if self.article else ""
        return f"{self.source.citation()}{article}（{self.status_label}）"


_COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class StandardValue:
    """A resolved threshold and the rule it came from, for pages that name the standard used."""

    value: float
    rule: Rule

    def met_by(self, measured: float) -> bool:
        return bool(_COMPARE[self.rule.comparison](measured, self.value))


@dataclass
class StandardsLibrary:
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    # A digest of the files read: cached figures computed under other standards are not reused.
    fingerprint: str = ""
    # value()'s answers: an evaluation asks the same few standards for every school and town.
    _values: dict[tuple[Any, ...], StandardValue] = field(default_factory=dict, repr=False, compare=False)

    def add(self, rule: Rule) -> None:
        self.rules.setdefault(rule.code, []).append(rule)
        self._values.clear()

    def candidates(self, code: str, *, area_path: str = "", year: int | None = None) -> list[Rule]:
        """Rules for `code` that cover the area and year, most specific first."""
        codes_in_path = {c for c in area_path.strip("/").split("/") if c}
        found = [
            r
            for r in self.rules.get(code, [])
            if r.applies_in(year) and (r.source.scope == "national" or r.source.area_code in codes_in_path)
        ]
        return sorted(found, key=lambda r: (r.source.precedence, r.source.year), reverse=True)

    def rule(self, code: str, *, area_path: str = "", year: int | None = None) -> Rule:
        found = self.candidates(code, area_path=area_path, year=year)
        if not found:
            raise KeyError(f"没有适用的标准：{code}")
        return found[0]

    def value(
        self,
        code: str,
        *,
        stage: str = "all",
        locale: str | None = None,
        area_path: str = "",
        year: int | None = None,
    ) -> StandardValue:
        key = (code, stage, locale, area_path, year)
        if key in self._values:
            return self._values[key]
        for rule in self.candidates(code, area_path=area_path, year=year):
            v = rule.value_for(stage=stage, locale=locale)
            if v is not None:
                self._values[key] = StandardValue(value=v, rule=rule)
                return self._values[key]
        raise KeyError(f"没有适用的标准：{code}（{stage}）")

    def sources(self) -> list[Source]:
        seen: dict[str, Source] = {}
        for rules in self.rules.values():
            for r in rules:
                seen[r.source.file_id] = r.source
        return sorted(seen.values(), key=lambda s: (s.precedence, s.file_id))


def _parse_file(path: Path) -> tuple[Source, list[Rule]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StandardsError(f"标准文件 {path.name} 格式错误：{exc}") from exc
    meta = data.get("meta") or {}
    missing = [k for k in ("id", "title", "document", "year", "scope") if k not in meta]
    if missing:
        raise StandardsError(f"标准文件 {path.name} 的 [meta] 缺少：{'、'.join(missing)}")
    scope = meta["scope"]
    if scope not in SCOPE_PRECEDENCE:
        raise StandardsError(f"标准文件 {path.name} 的 scope 无效：{scope}")
    area_code = str(meta.get("area_code", ""))
    if scope != "national" and not area_code:
        raise StandardsError(f"标准文件 {path.name} 为地方标准，须填写 area_code")
    source = Source(
        file_id=meta["id"],
        title=meta["title"],
        document=meta["document"],
        issuer=meta.get("issuer", ""),
        year=int(meta["year"]),
        scope=scope,
        area_code=area_code,
    )
    rules = []
    for i, raw in enumerate(data.get("rules", []), start=1):
        where = f"标准文件 {path.name} 第{i}条规则"
        for key in ("code", "name", "comparison", "values", "status"):
            if key not in raw:
                raise StandardsError(f"{where}缺少 {key}")
        if raw["status"] not in STATUSES:
            raise StandardsError(f"{where}的 status 无效：{raw['status']}")
        if raw["comparison"] not in COMPARISONS:
            raise StandardsError(f"{where}的 comparison 无效：{raw['comparison']}")
        values = {str(k): float(v) for k, v in raw["values"].items()}
        rules.append(
            Rule(
                code=raw["code"],
                name=raw["name"],
                unit=raw.get("unit", ""),
                comparison=raw["comparison"],
                values=values,
                article=raw.get("article", ""),
                status=raw["status"],
                source=source,
                note=raw.get("note", ""),
                effective_from=raw.get("effective_from"),
                effective_to=raw.get("effective_to"),
            )
        )
    return source, rules


def standard_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("EDUGOV_STANDARDS_DIRS", "").split(os.pathsep) if p]
    return [DATA_DIR, *extra]


def load_library(dirs: Iterable[Path]) -> StandardsLibrary:
    library = StandardsLibrary()
    ids: dict[str, Path] = {}
    digest = hashlib.sha256()
    for directory in dirs:
        for path in sorted(directory.rglob("*.toml")):
            digest.update(path.read_bytes())
            source, rules = _parse_file(path)
            if source.file_id in ids:
                raise StandardsError(
                    f"标准文件编号重复：{source.file_id}（{ids[source.file_id].name} 与 {path.name}）"
                )
            ids[source.file_id] = path
            for rule in rules:
                library.add(rule)
    library.fingerprint = digest.hexdigest()[:16]
    return library


@lru_cache(maxsize=1)
def library() -> StandardsLibrary:
    """The process-wide library (files are read once; tests build their own with load_library)."""
    return load_library(standard_dirs())
