"""An import kind by its Chinese name on pages ("班级名单", not "classes")."""

from __future__ import annotations

from django import template

from edugov.ingest.spec import get_spec

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    """The registered spec's label; a kind no longer registered shows as "其他数据"."""
    spec = get_spec(str(kind))
    return spec.label if spec is not None else "其他数据"
