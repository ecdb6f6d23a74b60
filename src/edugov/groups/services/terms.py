"""School terms as the groups module names them ("2024-2025-1"): check one, find a day's; the
name people read is `edugov.common.terms.term_label`."""

from __future__ import annotations

from edugov.common.errors import DomainError
from edugov.common.terms import TERM_RE, term_label, term_of

from ..errors import GroupsError as E

__all__ = ["TERM_RE", "check_term", "term_label", "term_of"]


def check_term(term: str) -> str:
    term = (term or "").strip()
    m = TERM_RE.match(term)
    if m is None or int(m.group(2)) != int(m.group(1)) + 1:
        raise DomainError(E.BAD_TERM)
    return term
