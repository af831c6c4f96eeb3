"""Background work: a task is enqueued by name and run where the TASK_EXECUTOR setting says.

A task is a function registered with ``@task(name, queue=..., timeout=...)`` in the module
that owns the work; ``enqueue(name, *args)`` runs it outside the code that asked for it:

- "inline": right away, in this thread (the tests; `mentormatch round run` asks for it with
  ``run_inline()``, since it prints the finished round);
- "thread": in a background thread of this process, one thread per queue (the default
  without Redis);
- "rq": on the Redis job queue, run by `mentormatch worker` (the default when REDIS_URL is
  set).

Every executor runs the task in an application context of its own, so a task never shares a
database session with the code that enqueued it. Arguments are plain values (ids, lists of
ids): RQ stores them in Redis.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app

from mentormatch.extensions import db

log = logging.getLogger(__name__)

ROUNDS_QUEUE = "rounds"
MAIL_QUEUE = "mail"
QUEUES = (ROUNDS_QUEUE, MAIL_QUEUE)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Task:
    name: str
    function: Callable[..., Any]
    queue: str
    timeout: int  # seconds RQ lets it run before stopping it


# Every registered task by name (a test may swap one's function here).
TASKS: dict[str, Task] = {}
_threads: dict[str, ThreadPoolExecutor] = {}
_threads_lock = threading.Lock()
_inline: ContextVar[bool] = ContextVar("mentormatch_tasks_inline", default=False)


def task(name: str, *, queue: str, timeout: int) -> Callable[[F], F]:
    """Register the decorated function as the task ``name``, run on ``queue``."""
    if queue not in QUEUES:
        raise ValueError(f"Task {name!r}: queue must be one of {', '.join(QUEUES)}")

    def register(function: F) -> F:
        TASKS[name] = Task(name, function, queue, timeout)
        return function

    return register


def enqueue(name: str, *args: Any) -> None:
    """Run task ``name`` with ``args`` on the configured executor (settings.TASK_EXECUTOR)."""
    found = registered(name)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    executor = "inline" if _inline.get() else app.config["TASK_EXECUTOR"]
    if executor == "inline":
        _run(app, found, args)
        # The task committed in a session of its own: what the caller holds is out of date.
        db.session.expire_all()
    elif executor == "thread":
        _thread_for(found.queue).submit(_run, app, found, args)
    else:  # "rq": settings.load_settings accepts no other value
        _queue(found.queue, redis_connection()).enqueue(
            run_job, found.name, *args, job_timeout=found.timeout, description=found.name
        )


@contextmanager
def run_inline() -> Iterator[None]:
    """Run the tasks enqueued inside this block right away, in this thread."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def registered(name: str) -> Task:
    try:
        return TASKS[name]
    except KeyError:
        raise LookupError(
            f"No task named {name!r}; the registered ones are {', '.join(sorted(TASKS))}"
        ) from None


def _run(app: Flask, found: Task, args: tuple[Any, ...]) -> None:
    """Run in an app context of its own. A failure is logged, never raised into the caller:
    its change is committed already, and each task records its own outcome (a failed round,
    a mail left in the outbox for the next `mentormatch mail send`)."""
    with app.app_context():
        try:
            found.function(*args)
        except Exception:
            log.exception("Task %s%r failed", found.name, args)


def _thread_for(queue: str) -> ThreadPoolExecutor:
    with _threads_lock:
        if queue not in _threads:
            _threads[queue] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=queue)
        return _threads[queue]


# --- the Redis job queue (RQ) ------------------------------------------------------------------
# redis and rq come with the optional [production] extra, so they are imported only when a
# Redis is configured and used: that is the only reason for the imports inside functions here.


def redis_connection(url: str | None = None):
    from redis import Redis

    return Redis.from_url(url or current_app.config["REDIS_URL"])


def _queue(name: str, connection):
    from rq import Queue

    return Queue(name, connection=connection)


def run_job(name: str, *args: Any) -> None:
    """What RQ runs: task ``name``, under the app of `mentormatch worker` (``work``).

    RQ forks a work horse per job from the worker, and the horse inherits the worker's app
    context. A failure is raised, so RQ records the job as failed."""
    # Never use a database connection inherited across the fork: it belongs to the parent.
    db.engine.dispose(close=False)
    with current_app.app_context():
        registered(name).function(*args)


def work(queue_names: Iterable[str], burst: bool = False) -> None:
    """Run an RQ worker on these queues, in the current app's context, until stopped (or, with
    ``burst``, until the queues are empty)."""
    from rq import Worker

    connection = redis_connection()
    queues = [_queue(name, connection) for name in queue_names]
    Worker(queues, connection=connection).work(burst=burst)
