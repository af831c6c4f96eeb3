"""A real Redis for the queue tests: MENTORMATCH_TEST_REDIS_URL when set (CI), else a
redis-server started on a free loopback port; skipped only when neither is available."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

# Read at import: the tests clear MENTORMATCH_* variables around each test.
_CONFIGURED_URL = os.environ.get("MENTORMATCH_TEST_REDIS_URL", "").strip() or None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    from redis import Redis

    if _CONFIGURED_URL:
        Redis.from_url(_CONFIGURED_URL).ping()  # fail loudly if CI's Redis is not there
        yield _CONFIGURED_URL
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server here and MENTORMATCH_TEST_REDIS_URL is not set")
    port = _free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603 - a fixed binary with fixed arguments
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            Redis.from_url(url).ping()
            break
        except Exception:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def clean_redis(redis_url):
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    return redis_url
