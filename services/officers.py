"""Officer accounts and roles: who may do what, argon2 password hashes, the demo officer for
`make run`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from core.db import Database, Officer
from core.settings import Settings, ensure_secret_key

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 22 ms of CPU per check
# on the development machine, against 180 ms for argon2-cffi's default (64 MiB, 3 passes, 4 lanes),
# which made every login cost a core for a fifth of a second. Hashes made with other parameters
# still verify and are re-hashed at the next successful login (`needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class Role(StrEnum):
    """The one list of officer roles (the CLI, the API's description and the rules use it)."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"  # the queue without personal data; no actions
    ADMIN = "admin"


ROLES = tuple(str(r) for r in Role)
ACTING_ROLES = frozenset(
    {Role.OFFICER, Role.SUPERVISOR, Role.ADMIN}
)  # may act on dossiers, read personal data
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})  # also reassign, overdue reports
DEMO_USERNAME = "demo"


@dataclass(frozen=True)
class Principal:
    """The signed-in officer as every rule sees them (console session or API token)."""

    id: int
    username: str
    agency: str
    role: str
    nonce: str = ""  # the session's nonce (CSRF tokens are derived from it); "" for API tokens

    @property
    def can_act(self) -> bool:
        return self.role in ACTING_ROLES

    @property
    def can_read_personal(self) -> bool:
        return self.role in ACTING_ROLES

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING_ROLES

    @property
    def actor(self) -> str:
        return f"officer:{self.id}"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except Exception:
        return False


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False
    except Exception:
        return False


async def add(settings: Settings, username: str, password: str, agency: str, role: str) -> int:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as s, s.begin():
            officer = Officer(
                username=username, password_hash=hash_password(password), agency=agency, role=role
            )
            s.add(officer)
            await s.flush()
            return officer.id
    finally:
        await db.close()


async def seed_demo(settings: Settings) -> tuple[str, str, bool]:
    """Create the demo officer once; its password is kept in var/demo_officer.txt (mode 600)."""
    settings = ensure_secret_key(settings)
    path = settings.var_path / "demo_officer.txt"
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as s, s.begin():
            exists = (await s.execute(select(Officer.id).where(Officer.username == DEMO_USERNAME))).scalar()
            if exists and path.exists():
                return DEMO_USERNAME, path.read_text().strip(), False
            password = secrets.token_urlsafe(12)
            if exists:
                officer = await s.get(Officer, exists)
                officer.password_hash = hash_password(password)
            else:
                s.add(
                    Officer(
                        username=DEMO_USERNAME,
                        password_hash=hash_password(password),
                        agency=settings.agency_code,
                        role=Role.SUPERVISOR,
                    )
                )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return DEMO_USERNAME, password, True
    finally:
        await db.close()
