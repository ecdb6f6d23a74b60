"""A term's code as people read it: "2026-2027-1" → "2026-2027学年第一学期"."""

from __future__ import annotations

from django import template

from edugov.common.terms import term_label

register = template.Library()

register.filter("term_label", term_label)
