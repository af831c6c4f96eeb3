"""Password hashing with Argon2id (argon2-cffi), never by hand.

The test suite sets PASSWORD_HASH_COST = "test" for cheap hashes; every other environment
uses argon2-cffi's recommended parameters.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


@cache
def _hasher_for(cost: str) -> PasswordHasher:
    if cost == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


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
