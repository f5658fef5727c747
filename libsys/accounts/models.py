"""Staff accounts and their API tokens."""

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.accounts.permissions import role_permits
from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library


class User(UserMixin, db.Model):
    """A staff account, scoped to one library or (library empty) the whole network."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30))
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of the session id: raising it ends every session of the account (sign-out, a new
    # password, "sign out everywhere"); a cookie saved before then names an older version.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    library: Mapped[Library | None] = relationship()

    is_staff = True
    is_reader = False

    def get_id(self) -> str:
        """Session id, prefixed so staff and readers never collide, with the session version."""
        return f"staff:{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in."""
        return self.active

    def can(self, permission: str) -> bool:
        """Whether this account's role holds the permission."""
        return self.active and role_permits(self.role, permission)

    def can_act_for(self, library_id: int | None) -> bool:
        """Whether this account may act for a library (network accounts act for all)."""
        return self.library_id is None or library_id == self.library_id


def hash_token(token: str) -> str:
    """Tokens are kept only as SHA-256 digests."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    """A Bearer token for the JSON API, acting as its staff account."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()


class SignInThrottle(db.Model):
    """Wrong passwords counted for one sign-in name or one client address, and its lockout.

    `key` is "name:<NAME IN CAPITALS>" (a staff user name or a card number, as typed) or
    "address:<IP>". Counted with guarded UPDATEs, so every worker and process sees one count.
    """

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    lockouts: Mapped[int] = mapped_column(default=0)
