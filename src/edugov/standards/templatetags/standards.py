"""Showing standards on pages: a rule by its Chinese name, never its code, and a rule's source and
status behind a disclosure (`<details>`) instead of inline "（待核实）" tags.

    {% load standards %}
    {{ code|rule_name }}
    {% source_info r.citation %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from edugov.standards.loader import STATUSES, library

register = template.Library()

_STATUS_SUFFIXES = tuple(f"（{label}）" for label in STATUSES.values())


def split_citation(citation: str) -> list[tuple[str, str]]:
    """ "A（教督〔2017〕6号） 第九条（据摘要）；差异系数：B（据摘要）" -> [(source, status label)]:
    the parts Rule.citation joins, each with its status taken off the end."""
    parts = []
    for part in str(citation or "").split("；"):
        part = part.strip()
        if not part:
            continue
        status = ""
        for suffix in _STATUS_SUFFIXES:
            if part.endswith(suffix):
                part, status = part[: -len(suffix)].rstrip(), suffix[1:-1]
                break
        parts.append((part, status))
    return parts


@register.filter
def rule_name(code: str) -> str:
    """The Chinese name of a standards rule; an unknown code shows as "其他标准", never raw."""
    rules = library().rules.get(str(code))
    return rules[0].name if rules else "其他标准"


@register.filter
def strip_status(citation: str) -> str:
    """The sources alone, for a tooltip: the status belongs to the disclosure, not the text."""
    return "；".join(source for source, _ in split_citation(citation))


@register.simple_tag
def source_info(citation: str, label: str = "依据") -> SafeString:
    """The sources of a figure behind a small disclosure: the document and article, then whether
    the figure is verified against the text."""
    parts = split_citation(citation)
    if not parts:
        return SafeString("")
    items = format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (source, format_html('<span class="muted">（核实状态：{}）</span>', status) if status else "")
            for source, status in parts
        ),
    )
    return format_html(
        '<details class="source-info"><summary>{}</summary><ul class="plain">{}</ul></details>', label, items
    )
