"""Home: a role's landing page (the cards its modules declare, `ModuleSpec.landing`), or for the
district's roles the cockpit: the key figures and charts of the user's scope this school year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.accounts.actor import request_actor
from edugov.modules import landing_card, landing_cards
from edugov.registry.dashboard import dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    cards = landing_cards(user)
    if cards:
        return render(request, "web/home_landing.html", {"cards": cards})
    board = dashboard(actor=user)
    return render(request, "web/home.html", {"board": board, "chart_payloads": board.chart_payloads})


@login_required
def landing_card_view(request: HttpRequest, code: str) -> HttpResponse:
    """A deferred card of the actor's landing page, alone (HTMX swaps it for its placeholder)."""
    card = landing_card(request_actor(request), code[:40])
    if card is None:
        raise Http404("没有这张卡片")
    return render(request, card.template, {"card": card.context})
