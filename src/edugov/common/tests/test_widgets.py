"""The date picker's value is ISO in every language (the browser accepts nothing else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from edugov.common.widgets import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_picker_value_is_iso_in_every_language(language):
    with translation.override(language):
        html = str(_Form(initial={"day": dt.date(2026, 12, 1)})["day"])
    assert 'type="date"' in html and 'value="2026-12-01"' in html


def test_plain_django_date_input_is_not_iso_in_chinese():
    # Why the widget exists: Django renders the language's first input format, which
    # <input type="date"> rejects. If Django ever changes this, the widget can go.
    with translation.override("zh-hans"):
        html = forms.DateInput(attrs={"type": "date"}).render("day", dt.date(2026, 12, 1))
    assert 'value="2026/12/01"' in html
