"""Spreadsheet import kinds of the registry: areas, schools, classes with enrolment, teachers.
Each is a declarative spec run by the ingest engine (see edugov.ingest.spec).

One module per kind; `autodiscover_modules("importers")` imports this package, and importing each
kind module below is what registers it (in this order: areas, schools, classes, teachers)."""

from .. import permissions  # noqa: F401  (the import kinds' actions are the registry policy's)

# Registration order is the order the upload page lists the kinds in: areas, schools, classes, teachers.
# isort: off
from .common import (
    AREA_CODE_MESSAGE,
    GRADE_WORDS,
    SCHOOL_CODE_MESSAGE,
    SCHOOL_CODE_PATTERN,
    SCHOOL_TYPE_WORDS,
    SchoolLookup,
    parse_class_number,
    parse_grade,
    parse_school_year,
    school_code_column,
)
from .areas import AreaImport
from .schools import SchoolImport
from .classes import ClassImport
from .teachers import TeacherImport

# isort: on

__all__ = [
    "AREA_CODE_MESSAGE",
    "GRADE_WORDS",
    "SCHOOL_CODE_MESSAGE",
    "SCHOOL_CODE_PATTERN",
    "SCHOOL_TYPE_WORDS",
    "AreaImport",
    "ClassImport",
    "SchoolImport",
    "SchoolLookup",
    "TeacherImport",
    "parse_class_number",
    "parse_grade",
    "parse_school_year",
    "school_code_column",
]
