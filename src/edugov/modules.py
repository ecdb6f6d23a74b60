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

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import AppConfig

from edugov.web.navigation import NavItem, add_nav

if TYPE_CHECKING:  # app configs import this module before models may load
    from edugov.accounts.anchors import AnchorType

Hook = Callable[[], None]


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
