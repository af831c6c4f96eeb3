"""The engine must stay importable without the web stack."""

from __future__ import annotations

import subprocess
import sys


def test_engine_does_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, mentormatch.matching\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own code
