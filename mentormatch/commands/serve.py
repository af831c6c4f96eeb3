"""`mentormatch serve`: the app under gunicorn with a production-minded configuration."""

from __future__ import annotations

import os

import click

from mentormatch.matching import warmup

# gunicorn imports this in each of its worker processes: the entry module builds the app
# (a string, so that this command, which create_app registers, never imports mentormatch.entry).
APP_FACTORY = "mentormatch.entry:build_app()"


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="host:port")
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default 2 x cores + 1)."
)
@click.option("--timeout", type=int, default=60, show_default=True, help="Seconds per request.")
def serve_command(bind: str, workers: int | None, timeout: int) -> None:
    """Serve with gunicorn (pip install 'mentormatch[production]'). Put a TLS proxy in front."""
    # gunicorn is the optional [production] extra: imported only when this command runs.
    try:
        from gunicorn.app.base import BaseApplication
        from gunicorn.util import import_app
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise click.UsageError(
            "gunicorn is not installed: pip install 'mentormatch[production]'"
        ) from exc

    options = {
        "bind": bind,
        "workers": workers or default_workers(),
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak never grows without bound.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        # The app writes its own access line with the request id (mentormatch.logs).
        "accesslog": None,
        "errorlog": "-",
        # Build the app in each worker: database pools must not cross a fork.
        "preload_app": False,
        # Each worker compiles (or loads) the engine in the background as it starts, so that a
        # round run in a web worker (no Redis) does not wait for it.
        "post_worker_init": lambda _worker: warmup.warm_in_background(),
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }

    class MentorMatchServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return import_app(APP_FACTORY)

    click.echo(f"Serving on http://{bind} with {options['workers']} workers")
    MentorMatchServer().run()


COMMANDS = (serve_command,)
