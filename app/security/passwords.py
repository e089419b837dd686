"""argon2id password hashing (argon2-cffi), above the OWASP ASVS minimum parameters."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP: argon2id with m=19 MiB, t=2, p=1 at least; these are above it (46 MiB, t=3).
TIME_COST = 3
MEMORY_COST_KIB = 47_104
PARALLELISM = 1


def production_hasher() -> PasswordHasher:
    """argon2id with the parameters above (tests swap `_hasher` for a cheap one)."""
    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


_hasher = production_hasher()

MIN_LENGTH = 12
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


_DUMMY_HASH = _hasher.hash("tracktwo-timing-equaliser")


def burn_time(password: str) -> None:
    """Spend a verification's time when no account matched, so timing tells nothing."""
    verify_password(_DUMMY_HASH, password)


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    return None
