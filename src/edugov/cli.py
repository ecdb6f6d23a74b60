"""The one `edugov` console script: Django's management commands with a few friendlier names.

edugov demo --seed 1 --scale 1     build the demo district
edugov import KIND FILE            import a spreadsheet (non-zero exit on rejection)
edugov runserver / migrate / ...   any Django management command
"""

from __future__ import annotations

import os
import sys

# User-facing verbs that are not valid Python module names map to management commands.
ALIASES = {"import": "import_file"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    args[0] = "edugov"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
