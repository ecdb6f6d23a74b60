"""Every reference a write can name lies in the writer's write scope, for every serializer and form
of the project, found by walking the code rather than kept by hand (issue 12, item 3):

- the serializers reachable from every API view of the URLconf (their nested `*Input` classes and
  any serializer class they hold), plus every `serializers.Serializer` subclass in the modules
  `edugov.*.api*`;
- every Form in `edugov.*.forms` that can be built with `user=` (other keyword arguments filled
  from the mini district by name).

Each writable relational field must be a ScopedPrimaryKeyField (or a plain reference over
reference data: a model without an anchored scope rule), and for every identity of the mini
district its rows must be a subset of `write_scoped(model, user)` (`scoped()` where the field
only cites a row: reference_scope="read", and for filter forms, which never write)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

import edugov
from edugov.accounts.scope import scope_rule, scoped, write_scoped
from edugov.api.base import ScopedPrimaryKeyField
from edugov.testing import MINI_DISTRICT_USERS

pytestmark = pytest.mark.django_db


# Discovery ----------------------------------------------------------------------------------------


def _patterns(resolver: URLResolver) -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)
        else:
            yield entry


def api_views() -> list[type[APIView]]:
    found: dict[str, type[APIView]] = {}
    for pattern in _patterns(get_resolver()):
        cls = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if isinstance(cls, type) and issubclass(cls, APIView) and cls.__module__.startswith("edugov."):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _serializer_classes_of(obj: Any) -> Iterator[type[serializers.BaseSerializer]]:
    for klass in inspect.getmro(obj) if isinstance(obj, type) else (type(obj),):
        for value in vars(klass).values():
            if isinstance(value, type) and issubclass(value, serializers.BaseSerializer):
                yield value
            elif isinstance(value, dict):  # {"create": CreateInput, ...}
                for inner in value.values():
                    if isinstance(inner, type) and issubclass(inner, serializers.BaseSerializer):
                        yield inner


def _api_modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(edugov.__path__, "edugov."):
        parts = info.name.split(".")
        if len(parts) >= 3 and (parts[2].startswith("api") or parts[1] == "api") and "tests" not in parts:
            yield importlib.import_module(info.name)


def input_serializers() -> list[type[serializers.BaseSerializer]]:
    found: dict[str, type[serializers.BaseSerializer]] = {}
    for view in api_views():
        for cls in _serializer_classes_of(view):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    for module in _api_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.Serializer)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    # Outputs only render rows (their relational fields are read-only by use, never validated).
    return [c for name, c in sorted(found.items()) if not c.__name__.endswith("Output")]


def form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(edugov.__path__, "edugov."):
        parts = info.name.split(".")
        if len(parts) >= 3 and parts[2] == "forms":
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__.startswith(info.name)
                ):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    return [c for _, c in sorted(found.items())]


SERIALIZERS = input_serializers()
FORMS = form_classes()


# Checks -------------------------------------------------------------------------------------------


def _anchored(model: type[models.Model]) -> bool:
    try:
        return scope_rule(model).anchored
    except ImproperlyConfigured:
        return False  # no rule at all: reference data (school years, terms), never scoped


def _relational_fields(serializer: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _relational_fields(field, f"{prefix}{name}.")
        elif isinstance(field, serializers.ManyRelatedField):
            yield f"{prefix}{name}", field.child_relation
        elif isinstance(field, serializers.RelatedField):
            yield f"{prefix}{name}", field


def _outside(rows: models.QuerySet[Any], user: Any, mode: str) -> list[Any]:
    allowed = write_scoped(rows.model, user) if mode == "write" else scoped(rows.model, user)
    return list(rows.exclude(pk__in=allowed.values("pk")).values_list("pk", flat=True)[:5])


def test_the_walk_finds_the_serializers_and_forms():
    names = {c.__name__ for c in SERIALIZERS}
    assert {"SchoolUpdateInput", "SchoolCreateInput"} <= names
    assert {"SchoolEditForm", "SchoolFilterForm"} <= {c.__name__ for c in FORMS}


@pytest.fixture
def district():
    from edugov.api.tests.rows import add_town_b_rows
    from edugov.testing import make_mini_district

    d = make_mini_district()
    add_town_b_rows(d)
    return d


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_serializer_reference_is_write_scoped(district, serializer_class):
    problems = []
    for key in MINI_DISTRICT_USERS:
        user = district.users[key]
        request = RequestFactory().post("/")
        request.user = user
        serializer = serializer_class(context={"request": request, "instance": None})
        for name, field in _relational_fields(serializer):
            if not isinstance(field, ScopedPrimaryKeyField):
                model = field.get_queryset().model if field.queryset is None else field.queryset.model
                if _anchored(model):
                    problems.append(f"{name}: {type(field).__name__} over {model._meta.label} (not scoped)")
                continue
            rows = field.get_queryset()
            mode = "read" if field.reference_scope == "read" else "write"
            outside = _outside(rows, user, mode)
            if outside:
                problems.append(f"{name} as {key}: rows {outside} outside the {mode} scope")
    assert not problems, problems


_FORM_ARGS = {
    "school": lambda d: d.school_a,
    "school_class": lambda d: d.class_a1,
    "area": lambda d: d.town_a,
    "teacher": lambda d: d.teacher_a,
    "school_year": lambda d: d.year,
    "year": lambda d: d.year,
}


def _build_form(form_class: type[forms.BaseForm], d: Any, user: Any) -> forms.BaseForm | None:
    params = inspect.signature(form_class.__init__).parameters
    if "user" not in params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    kwargs: dict[str, Any] = {"user": user}
    for name, param in params.items():
        if name in ("self", "data", "user", "files") or param.kind in (
            param.VAR_KEYWORD,
            param.VAR_POSITIONAL,
        ):
            continue
        if param.default is param.empty:
            if name not in _FORM_ARGS:
                return None
            kwargs[name] = _FORM_ARGS[name](d)
    try:
        return form_class(**kwargs)
    except TypeError:
        return None  # cannot be built with user= (takes other arguments)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_choice_is_write_scoped(district, form_class):
    # A filter form only narrows a list the user reads: its choices may be anything readable.
    mode = getattr(form_class, "reference_scope", "read" if "Filter" in form_class.__name__ else "write")
    problems = []
    built = False
    for key in MINI_DISTRICT_USERS:
        user = district.users[key]
        form = _build_form(form_class, district, user)
        if form is None:
            continue
        built = True
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                continue
            rows = field.queryset
            assert rows is not None
            if not _anchored(rows.model):
                continue
            # The value the form's object already names stays acceptable (it is not a choice).
            current = form.initial.get(name)
            if current is not None:
                rows = rows.exclude(pk=getattr(current, "pk", current))
            outside = _outside(rows, user, mode)
            if outside:
                problems.append(f"{name} as {key}: rows {outside} outside the {mode} scope")
    if not built:
        pytest.skip("not built with user=")
    assert not problems, problems
