"""How long a coordinator waits for the report of a large CSV file full of bad rows.

    .venv/bin/python benchmarks/bench_csv_import.py [--megabytes 4.5]

Builds a mentee file of about ``--megabytes`` whose rows each have eight bad cells (country,
specialty, regions, research, degree, goals, languages, hours), then measures on a freshly
migrated SQLite file: the whole upload through the web page (the check plus the rendered
report), with the size of the HTML that reaches the browser and the peak resident memory of
the process so far; then ``csv_profiles.import_profiles`` alone, listing every problem and
listing the first 200. The machine is shared, so CPU seconds are printed beside wall-clock
ones.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentormatch.app import create_app  # noqa: E402
from mentormatch.extensions import db  # noqa: E402
from mentormatch.services import accounts, csv_profiles  # noqa: E402

HEADER = (
    "email,full_name,home_country,specialty,preferred_regions,research_interests,degree,goals,"
    "languages,hours_per_month\n"
)
BAD_ROW = (
    "person{n}@example.org,Dr Person {n},Atlantis,dentistry,Narnia,knitting,phd,fame,Elvish,99\n"
)


def bad_file(megabytes: float) -> bytes:
    target = int(megabytes * 1024 * 1024)
    rows, size, n = [HEADER], len(HEADER), 0
    while size < target:
        row = BAD_ROW.format(n=n)
        rows.append(row)
        size += len(row)
        n += 1
    return "".join(rows).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=4.5)
    args = parser.parse_args()
    data = bad_file(args.megabytes)
    rows = data.count(b"\n") - 1
    print(f"file: {len(data) / 1024 / 1024:.2f} MB, {rows:,} rows, 8 bad cells each")
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        app = create_app({"ENV": "testing", "DATABASE_URL": url})
        with app.app_context():
            upgrade()
            accounts.create_coordinator(
                accounts.NewAccount("c@example.org", "bench-password-1", "C", "coordinator")
            )
            db.engine.dispose()
        client = app.test_client()
        client.post("/auth/login", data={"email": "c@example.org", "password": "bench-password-1"})
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            "/coordinator/import",
            data={"csv_file": (io.BytesIO(data), "bad.csv"), "kind": "mentee", "dry_run": "y"},
            content_type="multipart/form-data",
        )
        html = response.get_data()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"upload through the page: {elapsed:.1f} s ({cpu:.1f} s CPU), "
            f"status {response.status_code}, "
            f"HTML {len(html) / 1024 / 1024:.1f} MB, peak RSS {peak_rss_mb():.0f} MB"
        )
        with app.app_context():
            for label, limit in (("every problem listed", None), ("first 200 listed", 200)):
                started, cpu = time.perf_counter(), time.process_time()
                try:
                    report = csv_profiles.import_profiles(
                        data, "mentee", dry_run=True, **({"max_problems": limit} if limit else {})
                    )
                except TypeError:  # a version before the listed problems were capped
                    continue
                print(
                    f"service check, {label}: {time.perf_counter() - started:.1f} s "
                    f"({time.process_time() - cpu:.1f} s CPU); {report.summary}"
                )
            db.engine.dispose()


if __name__ == "__main__":
    main()
