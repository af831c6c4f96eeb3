"""The first round of a fresh install: a new process with an empty engine cache.

    .venv/bin/python benchmarks/bench_cold_start.py [--mentees 200 --mentors 60]
        [--mentormatch /path/to/venv/bin/mentormatch] [--programme general]

Every step runs as a coordinator's process would, through the `mentormatch` command of the
install being measured (the project's .venv by default; pass another venv's `mentormatch`
to measure a non-editable install), against a fresh SQLite database and an EMPTY compile cache
(MENTORMATCH_ENGINE_CACHE_DIR points at a new folder):

1. baseline, the first release's behaviour: `round run` in a cold process, which compiles the
   engine while the round waits;
2. ours: `engine warm` once (as the Quick start and `mentormatch worker` do at start), then
   `round run` in a NEW process, which loads the compiled kernels from the cache.

Prints each time and the ratio (baseline / ours for the round a coordinator waits for).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess  # noqa: S404 - runs the project's own command
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--mentors", type=int, default=60)
    parser.add_argument(
        "--mentormatch",
        default=str(ROOT / ".venv" / "bin" / "mentormatch"),
        help="the command to measure (split like a shell would)",
    )
    parser.add_argument("--programme", default="general", help="the demo programme's slug")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "MENTORMATCH_ENV": "development",
            "MENTORMATCH_DATABASE_URL": f"sqlite:///{work}/bench.sqlite3",
            "MENTORMATCH_TASK_EXECUTOR": '"inline"',
        }
        cli = shlex.split(args.mentormatch)
        subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
        seed = ["seed-demo", "--mentees", str(args.mentees), "--mentors", str(args.mentors)]
        subprocess.run([*cli, *seed], env=env, check=True, capture_output=True)  # noqa: S603

        # the demo seeds two programmes; a round runs in one (the main one holds most people)
        run = [*cli, "round", "run", "--programme", args.programme, "--name"]
        cold = {**env, "MENTORMATCH_ENGINE_CACHE_DIR": f"{work}/cache-baseline"}
        baseline = timed([*run, "cold"], cold)

        ours_env = {**env, "MENTORMATCH_ENGINE_CACHE_DIR": f"{work}/cache-ours"}
        warm = timed([*cli, "engine", "warm"], ours_env)
        first_round = timed([*run, "first"], ours_env)

    ratio = baseline / first_round
    print(f"install: {args.mentormatch}")
    print(f"round {args.mentees} x {args.mentors}, fresh process, empty compile cache")
    print(f"  baseline (compile on first use): first round {baseline:6.1f} s")
    print(f"  ours: engine warm {warm:6.1f} s (once, ahead); first round {first_round:6.1f} s")
    print(f"  ratio (baseline / ours, the round a coordinator waits for): {ratio:.1f}x")


if __name__ == "__main__":
    main()
