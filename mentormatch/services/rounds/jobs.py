"""Where a round runs: never inside the web request that starts it.

- "thread" (the embedded default): a single background thread in this process, with its own
  application context and database session;
- "inline": right away, in the caller (tests and the command line);
- "rq": a Redis job queue worker (`mentormatch worker`); the default when
  MENTORMATCH_REDIS_URL is set.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

from mentormatch.services.rounds import run

_executor: ThreadPoolExecutor | None = None
EXECUTORS = ("thread", "inline", "rq")


def _run_in_context(app: Flask, round_id: int) -> None:
    with app.app_context():
        run.execute(round_id)


def submit(round_id: int) -> Future | None:
    """Start running ``round_id`` with the configured executor."""
    global _executor
    kind = current_app.config.get("ROUNDS_EXECUTOR", "thread")
    if kind == "inline":
        run.execute(round_id)
        return None
    if kind == "rq":
        from mentormatch import queue

        queue.enqueue_round(round_id)
        return None
    if kind != "thread":
        raise ValueError(f"ROUNDS_EXECUTOR must be one of {', '.join(EXECUTORS)}; got {kind!r}")
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="round")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _executor.submit(_run_in_context, app, round_id)
