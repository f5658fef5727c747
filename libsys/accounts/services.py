"""Staff accounts: creating them, signing in, API tokens."""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from libsys.accounts.models import ApiToken, User, hash_token
from libsys.accounts.permissions import ROLES
from libsys.core.characters import INVISIBLE_MESSAGE, invisible
from libsys.core.forms import read_name
from libsys.db import utcnow
from libsys.errors import Conflict, NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Hash with werkzeug's current default (scrypt) unless the config says otherwise."""
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    if method:
        return generate_password_hash(password, method=method)
    return generate_password_hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the stored hash."""
    return bool(password_hash) and check_password_hash(password_hash, password)


def create_user(
    username: str,
    password: str,
    role: str,
    library_code: str | None = None,
    full_name: str = "",
    email: str | None = None,
) -> User:
    """Create a staff account; library_code None scopes it to the whole network."""
    errors = {}
    username = read_name(username, "username", errors, _l("Enter a user name."))
    if full_name and full_name.strip() and invisible(full_name.strip()):
        errors["full_name"] = INVISIBLE_MESSAGE
    if username and db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(_l("The user name %(name)s is taken.", name=username), code="DUPLICATE")
    if role not in ROLES:
        errors["role"] = _l("Unknown role.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _l("The password needs at least 8 characters.")
    library = None
    if library_code:
        library = db.session.scalar(select(Library).where(Library.code == library_code))
        if library is None:
            errors["library"] = _l("No library has the code %(code)s.", code=library_code)
    if errors:
        raise ValidationFailed(fields=errors)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        library=library,
        full_name=full_name or username,
        email=email,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active account with this user name and password, or None."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active or not check_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def end_sessions(person) -> None:
    """End every session of a staff account or a reader: raise its session version.

    A guarded UPDATE (session_version = session_version + 1), so two requests ending sessions
    at once both count. A cookie saved before names the old version and opens nothing.
    A new password does the same by itself (`new_password_ends_sessions`).
    """
    if person.id is None:
        return  # not written yet: no session to end
    person.session_version = type(person).session_version + 1
    db.session.flush()


def new_password_ends_sessions(session, _flush_context, _instances) -> None:
    """Before a flush: a staff account or reader whose password changed gets a new session
    version, whoever changed it (herself, staff, the API), so the old sessions end."""
    from libsys.readers.models import Reader

    for person in session.dirty:
        if not isinstance(person, (User, Reader)):
            continue
        state = inspect(person)
        if state.attrs.password_hash.history.has_changes() and not (
            state.attrs.session_version.history.has_changes()
        ):
            person.session_version = type(person).session_version + 1


def create_token(username: str, name: str = "") -> str:
    """Make a new API token for a staff account; the token is shown once, kept hashed."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_l("No staff account is called %(name)s.", name=username))
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), name=name))
    db.session.flush()
    return token


# Built once: the API runs it on every call.
_USER_FOR_TOKEN = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .options(joinedload(User.library))
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked.is_(False),
        User.active.is_(True),
    )
)


def user_for_token(token: str) -> User | None:
    """The active account a Bearer token acts for, or None.

    One query per API call: the token, its account and the account's library together
    (the desk's hot path needs all three), so a revoked token or a disabled account stops
    working at once in every worker.
    """
    return db.session.scalar(_USER_FOR_TOKEN, {"digest": hash_token(token)})


def revoke_tokens(user: User) -> int:
    """Revoke every token of an account."""
    tokens = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    for token in tokens:
        token.revoked = True
    db.session.flush()
    return len(tokens)


def list_users(library_id: int | None = None) -> list[User]:
    """Staff accounts, of one library or of the whole network."""
    query = select(User).order_by(User.username)
    if library_id is not None:
        query = query.where(User.library_id == library_id)
    return list(db.session.scalars(query))


def get_user(username: str) -> User:
    """The staff account with this user name, or NotFound."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_l("No staff account is called %(name)s.", name=username))
    return user


def update_user(user: User, data: dict) -> User:
    """Change an account's name, role, library, e-mail or whether it may sign in."""
    errors = {}
    if "role" in data:
        if data["role"] not in ROLES:
            errors["role"] = _l("Unknown role.")
        else:
            user.role = data["role"]
    if "library" in data:
        code = (data["library"] or "").strip()
        if not code:
            user.library = None
        else:
            library = db.session.scalar(select(Library).where(Library.code == code))
            if library is None:
                errors["library"] = _l("No library has the code %(code)s.", code=code)
            else:
                user.library = library
    if "full_name" in data:
        full_name = (data["full_name"] or "").strip()
        if full_name and invisible(full_name):
            errors["full_name"] = INVISIBLE_MESSAGE
        user.full_name = full_name or user.username
    if "email" in data:
        user.email = (data["email"] or "").strip() or None
    if "active" in data:
        user.active = str(data["active"]).lower() in ("1", "true", "on")
    if data.get("password"):
        if len(data["password"]) < MIN_PASSWORD_LENGTH:
            errors["password"] = _l("The password needs at least 8 characters.")
        else:
            user.password_hash = hash_password(data["password"])
    if errors:
        raise ValidationFailed(fields=errors)
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str) -> None:
    """A staff member changes her own password, proving the current one."""
    if not check_password(user.password_hash, current):
        raise ValidationFailed(fields={"current_password": _l("The current password is wrong.")})
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            fields={"new_password": _l("The password needs at least 8 characters.")}
        )
    user.password_hash = hash_password(new)
    db.session.flush()
