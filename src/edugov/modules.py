"""Modules declare themselves: an app whose config is a `ModuleConfig` says, in one place, its code,
label, the departments that own it, its navigation, scope anchors, permission policy, REST API
routes, findings sources, warehouse tables and demo generator; `ready()` registers them all with
the registries of the core. Adding a module means adding an app, not editing the core.

    class BurdenConfig(ModuleConfig):
        name = "edugov.burden"
        label = "burden"
        verbose_name = "双减监测"

        def declare(self) -> ModuleSpec:
            return ModuleSpec(code="burden", label="双减监测", departments=..., nav=(...), ...)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

from edugov.web.navigation import NavItem, add_nav

if TYPE_CHECKING:  # app configs import this module before models may load
    from edugov.accounts.anchors import AnchorType
    from edugov.accounts.models import User

Hook = Callable[[], None]


@dataclass(frozen=True)
class LandingCard:
    """One card of a role's landing page: the module's template (under `<app>/landing/`) and the
    plain data it renders (as `card` in the template)."""

    template: str
    context: Mapping[str, Any]
    order: int = 50  # place on the page (to-dos first, figures after), then the apps' order


# (actor) -> the card, or None when the actor has nothing to see in it (the module's policy says no)
LandingBuilder = Callable[["User"], LandingCard | None]


@dataclass(frozen=True)
class Deferred:
    """How the landing page shows a slow card until it is built (fetched after the page loads):
    its heading and its place."""

    heading: str
    order: int = 50
    # The policy action the card needs (role_may, no query): without it no placeholder is shown.
    action: str | None = None


@dataclass(frozen=True)
class NamedLanding:
    """A landing builder named by its dotted path ("edugov.burden.landing.teacher_card"), imported
    when first called: a module declares itself before its selectors and views may be imported.
    A `deferred` card (one that evaluates the district, say) is built by a request of its own."""

    path: str
    deferred: Deferred | None = None

    def __call__(self, actor: User) -> LandingCard | None:
        module, _, name = self.path.rpartition(".")
        builder: LandingBuilder = getattr(import_module(module), name)
        return builder(actor)


def landing(path: str, *, deferred: Deferred | None = None) -> LandingBuilder:
    return NamedLanding(path, deferred)


@dataclass(frozen=True)
class ModuleSpec:
    code: str  # the module code users are granted ("burden"); policy actions start with it
    label: str  # Chinese, shown in navigation and refusals
    departments: frozenset[str] = frozenset()  # departments whose officers work in it by default
    nav: tuple[NavItem, ...] = ()
    anchors: tuple[AnchorType, ...] = ()  # scope anchor kinds the module brings (a school group)
    policy: str = "permissions"  # the app's module declaring its permission policy
    # The URLconf module (dotted path) of the module's REST API, mounted at /api/v1/<code>/ by
    # edugov.api.urls: the module's routes are named "api:<code>:<name>".
    api_urls: str | None = None
    scopes: str | None = "scopes"  # the app's module registering its models' scope rules
    findings: Hook | None = None  # registers the module's findings sources
    warehouse: Hook | None = None  # registers the module's warehouse tables
    demo: Hook | None = None  # registers the module's demo generator
    # The module's cards on a role's landing page (role -> builder); the home page collects them
    # in the order the apps are installed, and a role with no card gets the district cockpit.
    landing: Mapping[str, LandingBuilder] = field(default_factory=dict)
    # The module's card on the district cockpit (the landing of the roles with no card above),
    # shown between its figures and its charts; the builder returns None for an actor its policy keeps out.
    cockpit: LandingBuilder | None = None
    extra: tuple[Hook, ...] = field(default=())  # anything else registered at start-up


_MODULES: dict[str, ModuleSpec] = {}


def declared_modules() -> list[ModuleSpec]:
    return list(_MODULES.values())


def module_spec(code: str) -> ModuleSpec | None:
    return _MODULES.get(code)


def modules_of_department(department: str) -> frozenset[str]:
    return frozenset(m.code for m in _MODULES.values() if department in m.departments)


def api_modules() -> list[ModuleSpec]:
    """The declared modules that bring a REST API, in the order their apps are installed."""
    return [m for m in _MODULES.values() if m.api_urls]


DEFERRED_TEMPLATE = "web/landing_deferred.html"


def landing_cards(actor: User, *, defer: bool = True) -> list[LandingCard]:
    """The cards of the actor's landing page, module by module (empty: the district cockpit). A
    deferred card is a placeholder that fetches `landing_card(actor, code)` once the page is shown."""
    if actor.is_superuser:
        return []
    cards = []
    for spec in _MODULES.values():
        build = spec.landing.get(actor.role)
        if build is None:
            continue
        deferred: Deferred | None = getattr(build, "deferred", None)
        if defer and deferred is not None:
            context = {"module": spec.code, "heading": deferred.heading}
            cards.append(LandingCard(DEFERRED_TEMPLATE, context, order=deferred.order))
        elif (card := build(actor)) is not None:
            cards.append(card)
    return sorted(cards, key=lambda c: c.order)


def _gets_cockpit(actor: User) -> bool:
    return actor.is_superuser or not any(spec.landing.get(actor.role) for spec in _MODULES.values())


def cockpit_cards(actor: User, *, defer: bool = True) -> list[LandingCard]:
    """The modules' cards on the district cockpit (none for a role with a landing page of its own);
    a deferred card is a placeholder fetched like a landing card (`landing_card(actor, code)`)."""
    from edugov.accounts.policy import role_may  # models load after this module

    if not _gets_cockpit(actor):
        return []
    cards = []
    for spec in _MODULES.values():
        build = spec.cockpit
        if build is None:
            continue
        deferred: Deferred | None = getattr(build, "deferred", None)
        if defer and deferred is not None:
            if deferred.action is None or role_may(actor, deferred.action):
                context = {"module": spec.code, "heading": deferred.heading}
                cards.append(LandingCard(DEFERRED_TEMPLATE, context, order=deferred.order))
        elif (card := build(actor)) is not None:
            cards.append(card)
    return sorted(cards, key=lambda c: c.order)


def cockpit_declared(actor: User, code: str) -> bool:
    """Whether the module declares a cockpit card the actor's landing page shows."""
    spec = _MODULES.get(code)
    return spec is not None and spec.cockpit is not None and _gets_cockpit(actor)


def landing_card(actor: User, code: str) -> LandingCard | None:
    """One module's card of the actor's landing page (or of the cockpit), built now (a deferred
    card's request)."""
    spec = _MODULES.get(code)
    if spec is None:
        return None
    if cockpit_declared(actor, code):
        build = spec.cockpit
    else:
        build = spec.landing.get(actor.role) if not actor.is_superuser else None
    return build(actor) if build is not None else None


def module_label(code: str) -> str:
    spec = _MODULES.get(code)
    return spec.label if spec is not None else code


class ModuleConfig(AppConfig):
    """The app config of a business module: override `declare()` (import models and enums inside
    it, not at the top of apps.py: app configs load before models); `ready()` does the rest."""

    # An apps.py that imports this class holds two AppConfig subclasses, and Django would fall
    # back to a plain AppConfig (no policy, no navigation): only the app's own config is default.
    default = False

    def declare(self) -> ModuleSpec:
        raise NotImplementedError

    def ready(self) -> None:
        from edugov.accounts.anchors import register_anchor_type

        spec = self.declare()
        _MODULES[spec.code] = spec
        for part in (spec.scopes, spec.policy):
            if part:
                import_module(f"{self.name}.{part}")
        for anchor in spec.anchors:
            register_anchor_type(anchor)
        for item in spec.nav:
            add_nav(item)
        for hook in (spec.findings, spec.warehouse, spec.demo, *spec.extra):
            if hook is not None:
                hook()
