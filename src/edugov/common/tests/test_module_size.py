"""No god modules (issue 13): a non-migration, non-test module past 500 lines becomes a package of one
module per sub-domain, re-exported from its `__init__` (see burden/selectors/), unless its docstring
says why it is long on a line starting "Long because:" (a schema declared in one place, say)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # src/edugov
MAX_LINES = 500
REASON = "Long because:"


def _is_checked(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return not (
        "migrations" in parts
        or "tests" in parts
        or path.name.startswith("test_")
        or path.name == "conftest.py"
    )


def _gives_a_reason(source: str) -> bool:
    docstring = ast.get_docstring(ast.parse(source)) or ""
    return any(line.strip().startswith(REASON) for line in docstring.splitlines())


def _too_long(source: str) -> bool:
    return len(source.splitlines()) > MAX_LINES and not _gives_a_reason(source)


def test_no_module_passes_500_lines_without_a_reason():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not _is_checked(path):
            continue
        source = path.read_text(encoding="utf-8")
        if _too_long(source):
            offenders.append(f"{path.relative_to(PACKAGE)} ({len(source.splitlines())} lines)")
    assert not offenders, (
        f"modules over {MAX_LINES} lines: split them into a package of one module per sub-domain, "
        f"or say why in the docstring on a line starting {REASON!r}: {offenders}"
    )


def test_the_check_counts_lines_and_reads_only_the_module_docstring():
    body = "x = 1\n" * 500
    assert not _too_long('"""Short."""\n' + "x = 1\n" * 499)  # 500 lines: at the limit
    assert _too_long('"""Short."""\n' + body)  # 501 lines, no reason
    assert not _too_long('"""Schema.\n\nLong because: one declaration per table."""\n' + body)
    # The phrase must start a line of the module docstring: mid-sentence or in a comment does not count.
    assert _too_long('"""Schema (not long because: anything)."""\n' + body)
    assert _too_long('"""Schema."""\n# Long because: a comment is not the docstring\n' + body)
    assert _too_long('x = 0\n"""Long because: a string after code is not the docstring."""\n' + body)


def test_migrations_and_tests_are_not_checked():
    assert not _is_checked(PACKAGE / "tutoring" / "migrations" / "0001_initial.py")
    assert not _is_checked(PACKAGE / "tutoring" / "tests" / "test_services.py")
    assert not _is_checked(PACKAGE / "conftest.py")
    assert _is_checked(PACKAGE / "tutoring" / "services" / "money.py")
    assert _is_checked(PACKAGE / "tutoring" / "models.py")
