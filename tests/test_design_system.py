"""The design system holds on every template: each <button>, and each link styled as a button,
names its intent (primary, secondary, danger or link: see the conventions atop edugov.css)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "edugov"
# The intents a button may have; listed here once, shown on the style page (/style/).
INTENT_CLASSES = frozenset({"primary", "secondary", "danger", "link"})
# Frame controls that are not actions on the page's data: the phone menu toggle and the user
# menu's 退出登录 item.
FRAME_CLASSES = frozenset({"nav-toggle", "menu-link"})

TAG = re.compile(r"<(button|a)\b((?:[^>{]|\{[^}]*\})*)>", re.S)
CLASS_ATTR = re.compile(r'class="([^"]*)"')


def _classes(attrs: str) -> set[str]:
    match = CLASS_ATTR.search(attrs)
    if match is None:
        return set()
    # Template logic inside the attribute ({% if %} secondary{% endif %}) still names its classes.
    words = re.sub(r"\{[%{].*?[%}]\}", " ", match.group(1))
    return set(words.split())


def templates() -> list[Path]:
    return sorted(SRC.glob("*/templates/**/*.html"))


def problems(path: Path, root: Path = SRC) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in TAG.finditer(text):
        tag, attrs = match.group(1), match.group(2)
        classes = _classes(attrs)
        where = f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}"
        if tag == "button":
            if classes & FRAME_CLASSES:
                continue
            if "button" not in classes or not classes & INTENT_CLASSES:
                found.append(f'{where}: <button class="{" ".join(sorted(classes))}">')
        elif "button" in classes and not classes & INTENT_CLASSES:
            found.append(f'{where}: <a class="{" ".join(sorted(classes))}">')
    return found


def test_the_scan_sees_the_templates():
    names = {p.relative_to(SRC).as_posix() for p in templates()}
    assert "web/templates/web/base.html" in names and len(names) > 50


def test_the_scan_catches_a_button_without_intent(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<button type="submit">保存</button>\n<a class="button" href="/">导出</a>\n'
        '<button class="primary">旧写法</button>\n'
        '<button class="button {% if x %}primary{% else %}secondary{% endif %}">可以</button>\n'
        '<a class="button link small" href="{% url "x" %}">可以</a>',
        encoding="utf-8",
    )
    assert [p.split(":")[1] for p in problems(bad, tmp_path)] == ["1", "2", "3"]


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_every_button_names_its_intent(path):
    assert problems(path) == []
