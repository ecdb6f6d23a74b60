"""Start-up warming (indicators.warm): the PDF faces registered (reading the three TrueType files
costs 1-3 s, which the first PDF of each process would otherwise pay) and the writers imported."""

from __future__ import annotations


def warm() -> None:
    from . import pdf, xlsx  # noqa: F401 (imported for their start-up cost)
    from .fonts import faces

    faces()
