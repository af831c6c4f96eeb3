"""CSV import and export of mentee and mentor profiles (one file per kind of person)."""

from mentormatch.services.csv_profiles.columns import KINDS
from mentormatch.services.csv_profiles.exporter import iter_export, template_text, write_export
from mentormatch.services.csv_profiles.importer import (
    ImportReport,
    Problem,
    import_profiles,
    iter_problem_lines,
    size_text,
)
from mentormatch.services.csv_profiles.reader import DELIMITERS, ENCODINGS

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "KINDS",
    "ImportReport",
    "Problem",
    "import_profiles",
    "iter_export",
    "iter_problem_lines",
    "size_text",
    "template_text",
    "write_export",
]
