"""Password hashing for ``BaseUser``: PBKDF2-HMAC-SHA256 in Piccolo's stored format.

Why PBKDF2-HMAC-SHA256 at 600,000 iterations: it is what OWASP's Password Storage Cheat
Sheet asks of PBKDF2 today, it is in the standard library (no dependency), it needs no
large memory per login (scrypt at OWASP's cost takes 128 MiB per hash), and it is the
format Piccolo stores, ``pbkdf2_sha256$<iterations>$<salt>$<hex digest>``: a Piccolo
project's user table keeps working, in both directions. A hash made at another
iteration count still verifies, and ``BaseUser.login`` re-hashes it at the current one.

Example::

    stored = hash_password("correct horse battery")
    verify_password("correct horse battery", stored)   # True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
#: OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA256.
ITERATIONS = 600_000
MIN_LENGTH = 6
#: Longer passwords are refused before any hashing (bounds the work a request can cause).
MAX_LENGTH = 128
#: A stored hash asking for more work than this is treated as invalid, never computed.
MAX_ITERATIONS = 10_000_000


def new_salt() -> str:
    """32 random hex characters (128 bits), as Piccolo makes them."""
    return secrets.token_hex(16)


def pbkdf2_hex(password: str, salt: str, iterations: int) -> str:
    """The hex PBKDF2-HMAC-SHA256 digest (32 bytes) of ``password`` with ``salt``."""
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()


def hash_password(password: str, salt: str = "", iterations: int = ITERATIONS) -> str:
    """``password`` hashed for storage: ``pbkdf2_sha256$<iterations>$<salt>$<digest>``."""
    salt = salt or new_salt()
    if "$" in salt:
        raise ValueError("a salt cannot contain '$'")
    return f"{ALGORITHM}${iterations}${salt}${pbkdf2_hex(password, salt, iterations)}"


def split_stored_password(stored: str) -> list[str]:
    """``[algorithm, iterations, salt, digest]`` of a stored hash; ValueError if malformed."""
    elements = stored.split("$")
    if len(elements) != 4:
        raise ValueError("Unable to split hashed password")
    return elements


def is_stored_hash(value: str) -> bool:
    """Whether ``value`` looks like a stored hash rather than a password."""
    return value.startswith(f"{ALGORITHM}$")


def stored_iterations(stored: str) -> int | None:
    """The iteration count of a well-formed stored hash, else None."""
    try:
        algorithm, iterations, _salt, _digest = split_stored_password(stored)
        count = int(iterations)
    except ValueError:
        return None
    if algorithm != ALGORITHM or not 1 <= count <= MAX_ITERATIONS:
        return None
    return count


def verify_password(password: str, stored: str, max_length: int = MAX_LENGTH) -> bool:
    """Whether ``password`` matches ``stored``, compared in constant time.

    A password longer than ``max_length``, or a malformed stored value, is simply a mismatch.
    """
    iterations = stored_iterations(stored)
    if iterations is None or len(password) > max_length:
        return False
    _algorithm, _iterations, salt, digest = split_stored_password(stored)
    return hmac.compare_digest(pbkdf2_hex(password, salt, iterations), digest)


#: Why a password that looks like a stored hash is refused (Piccolo's message).
HASHED_PASSWORD = "Do not pass a hashed password."


def password_problem(
    password: str, min_length: int = MIN_LENGTH, max_length: int = MAX_LENGTH
) -> str | None:
    """Why ``password`` cannot be set (Piccolo's rules and messages), or None when it can.

    Example: ``password_problem("abc")`` -> ``"The password is too short. (min 6)"``.
    """
    if not password:
        return "A password must be provided."
    if len(password) < min_length:
        return f"The password is too short. (min {min_length})"
    if len(password) > max_length:
        return f"The password is too long. (max {max_length})"
    if is_stored_hash(password):
        return HASHED_PASSWORD
    return None
