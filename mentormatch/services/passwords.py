"""Password hashing with Argon2id (argon2-cffi), never by hand.

Every environment but the tests hashes with OWASP's recommended minimum for interactive
sign-in (Password Storage Cheat Sheet: Argon2id, 19 MiB of memory, 2 iterations, 1 lane):
about a quarter of the CPU of argon2-cffi's own default (64 MiB, 3 iterations, 4 lanes), which
made sign-in the load test's bottleneck on two cores. A hash made with other parameters (the
earlier default included) is replaced on the next successful sign-in
(`accounts.authenticate`). The test suite sets PASSWORD_HASH_COST = "test" for cheap hashes.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# OWASP's minimum for Argon2id: m = 19 MiB (in KiB), t = 2, p = 1.
OWASP_TIME_COST = 2
OWASP_MEMORY_COST_KIB = 19 * 1024
OWASP_PARALLELISM = 1


@cache
def _hasher_for(cost: str) -> PasswordHasher:
    if cost == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher(
        time_cost=OWASP_TIME_COST,
        memory_cost=OWASP_MEMORY_COST_KIB,
        parallelism=OWASP_PARALLELISM,
    )


def _cost() -> str:
    return current_app.config.get("PASSWORD_HASH_COST", "default") if has_app_context() else ""


def _hasher() -> PasswordHasher:
    return _hasher_for(_cost())


@cache
def _dummy_hash(cost: str) -> str:
    # Verified against when the email is unknown, so both failures take the same time.
    return _hasher_for(cost).hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    target = password_hash or _dummy_hash(_cost())
    try:
        return hasher.verify(target, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
