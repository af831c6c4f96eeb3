"""Password hashes outside the tests: Argon2id at OWASP's minimum for interactive sign-in, and
an older hash (argon2-cffi's own default, which the service used before) replaced by one with
those parameters on the next successful sign-in, not on a failed one."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import accounts, passwords
from tests.helpers import TEST_PASSWORD, make_user


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PASSWORD_HASH_COST": "default"}


def parameters(password_hash: str) -> tuple[str, int, int, int]:
    """(variant, m in KiB, t, p) read off an encoded Argon2 hash."""
    variant, _version, costs = password_hash.split("$")[1:4]
    values = dict(part.split("=") for part in costs.split(","))
    return variant, int(values["m"]), int(values["t"]), int(values["p"])


def stored_hash(app, email: str) -> str:
    with app.app_context():
        return db.session.scalars(select(User.password_hash).where(User.email == email)).one()


def test_new_hashes_use_owasps_minimum_for_argon2id(app):
    with app.app_context():
        made = passwords.hash_password("a long enough passphrase")
        assert passwords.verify_password(made, "a long enough passphrase")
        assert not passwords.needs_rehash(made)
    assert parameters(made) == ("argon2id", 19 * 1024, 2, 1)


def test_an_older_hash_is_upgraded_on_the_next_successful_sign_in(app):
    user_id, _ = make_user(app, "mentee", "old.hash@example.org")
    # argon2-cffi's own default (RFC 9106's low-memory profile): what accounts had before
    old = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY).hash(TEST_PASSWORD)
    assert RFC_9106_LOW_MEMORY.type is Type.ID
    assert parameters(old) == ("argon2id", 64 * 1024, 3, 4)
    with app.app_context():
        db.session.get(User, user_id).password_hash = old
        db.session.commit()

        assert accounts.authenticate("old.hash@example.org", "not the password") is None
    assert stored_hash(app, "old.hash@example.org") == old  # a failed sign-in changes nothing

    with app.app_context():
        assert accounts.authenticate("old.hash@example.org", TEST_PASSWORD) is not None
    upgraded = stored_hash(app, "old.hash@example.org")
    assert parameters(upgraded) == ("argon2id", 19 * 1024, 2, 1)
    with app.app_context():
        assert accounts.authenticate("old.hash@example.org", TEST_PASSWORD) is not None
    assert stored_hash(app, "old.hash@example.org") == upgraded  # no rehash once it is current
