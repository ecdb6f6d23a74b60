"""Pagination for list pages: bad page numbers fall back to a valid page, never an error."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 30


def paginate(request: HttpRequest, items: Any, *, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """The requested page of `items` and the query string without `page` (for page links)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
