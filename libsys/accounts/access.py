"""Permission checks for pages: every staff view is wrapped in permission_required."""

from functools import wraps

from flask import abort
from flask_login import current_user

from libsys.extensions import login_manager


def permission_required(permission: str):
    """Page decorator: sign-in page for anonymous people, 403 without the permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not getattr(current_user, "is_staff", False) or not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def reader_required(view):
    """Page decorator for the reader's own account in the OPAC."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not getattr(current_user, "is_reader", False):
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.required_permission = "reader"
    return wrapped


def staff_required(view):
    """Page decorator: any signed-in staff account."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not getattr(current_user, "is_staff", False):
            abort(403)
        return view(*args, **kwargs)

    wrapped.required_permission = "staff"
    return wrapped
