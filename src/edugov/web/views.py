"""Home: a role's landing page (the cards its modules declare, `ModuleSpec.landing`), or for the
district's roles the cockpit: the key figures and charts of the user's scope this school year, then
the cards the modules add to it (`ModuleSpec.cockpit`), between the figures and the charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from edugov.accounts.actor import request_actor
from edugov.modules import cockpit_cards, cockpit_declared, landing_card, landing_cards
from edugov.registry.dashboard import dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    cards = landing_cards(user)
    if cards:
        return render(request, "web/home_landing.html", {"cards": cards})
    board = dashboard(actor=user)
    context = {"board": board, "chart_payloads": board.chart_payloads, "cards": cockpit_cards(user)}
    return render(request, "web/home.html", context)


@login_required
def landing_card_view(request: HttpRequest, code: str) -> HttpResponse:
    """A deferred card of the actor's landing page, alone (HTMX swaps it for its placeholder)."""
    actor = request_actor(request)
    card = landing_card(actor, code[:40])
    if card is None:
        if cockpit_declared(actor, code[:40]):
            return HttpResponse("")  # nothing for this actor: the placeholder goes away
        raise Http404("没有这张卡片")
    return render(request, card.template, {"card": card.context})
