"""Staff pages for readers: register, find, edit, renew a card, block and unblock."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from libsys.accounts.access import permission_required
from libsys.core.clock import local_today
from libsys.core.forms import run_action, save_form
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library
from libsys.readers.ethnicities import ETHNICITIES
from libsys.readers.forms import ReaderForm
from libsys.readers.services import (
    block_reader,
    find_readers,
    get_reader,
    reader_categories,
    readers_scope,
    register_reader,
    renew_card,
    set_reader_password,
    sign_reader_out,
    unblock_reader,
    update_reader,
)

bp = Blueprint("readers", __name__, url_prefix="/staff/readers")
PAGE_SIZE = 50

# Panels other domains add to the reader page (loans, holds...): callables(reader) -> html.
READER_PANELS: list = []


def _form_choices() -> dict:
    """Options for the reader form's lists, labels in the interface language."""
    locale = str(get_locale() or "vi")
    scope = readers_scope(current_user)
    if scope is None:
        scope = current_user.library_id  # a library's account registers its own readers
    if scope is not None:  # a point keeper registers readers at their point
        libraries = db.session.scalars(select(Library).where(Library.id == scope))
    else:
        libraries = db.session.scalars(
            select(Library).where(Library.level != "point").order_by(Library.code)
        )
    communes = db.session.scalars(
        select(AdminUnit).where(AdminUnit.level == "commune").order_by(AdminUnit.name)
    )
    return {
        "category_options": [(c.code, c.label(locale)) for c in reader_categories()],
        "ethnicities": ETHNICITIES,
        "library_options": [(lib.code, lib.name) for lib in libraries],
        "commune_options": [(unit.code, unit.path()) for unit in communes],
    }


@bp.route("/")
@permission_required("readers.view")
def index():
    """Find readers by card number or name (with or without diacritics)."""
    query = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=int), 1)
    readers = find_readers(
        query,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        scope=readers_scope(current_user),
    )
    if len(readers) == 1 and query and readers[0].card_number.lower() == query.strip().lower():
        return redirect(url_for("readers.show", card_number=readers[0].card_number))
    return render_template(
        "readers/index.html",
        readers=readers[:PAGE_SIZE],
        has_more=len(readers) > PAGE_SIZE,
        page=page,
        query=query,
        today=local_today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("readers.edit")
def new():
    """Register a reader."""
    errors, values = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()  # shown again as typed when a field is wrong
        form = ReaderForm()
        response, errors = save_form(
            lambda: register_reader(
                form.reader_values(creating=True),
                scope=readers_scope(current_user),
                user=current_user,
            ),
            lambda reader: url_for("readers.show", card_number=reader.card_number),
            lambda reader: _(
                "Reader %(name)s registered with card %(card)s.",
                name=reader.full_name,
                card=reader.card_number,
            ),
        )
        if response:
            return response
    return render_template(
        "readers/form.html", values=values, errors=errors, reader=None, **_form_choices()
    ), (422 if errors else 200)


@bp.route("/<card_number>")
@permission_required("readers.view")
def show(card_number):
    """A reader's card, with the panels other domains add (loans, holds)."""
    reader = get_reader(card_number, scope=readers_scope(current_user))
    panels = [panel(reader) for panel in READER_PANELS]
    return render_template(
        "readers/show.html",
        reader=reader,
        today=local_today(),
        panels=panels,
        ethnicities=dict(ETHNICITIES),
    )


@bp.route("/<card_number>/edit", methods=["GET", "POST"])
@permission_required("readers.edit")
def edit(card_number):
    """Edit a reader."""
    reader = get_reader(card_number, scope=readers_scope(current_user))
    errors = {}
    if request.method == "POST":
        values = request.form.to_dict()
        form = ReaderForm()
        response, errors = save_form(
            lambda: update_reader(
                reader,
                form.reader_values(creating=False),
                scope=readers_scope(current_user),
                user=current_user,
            ),
            lambda _result: url_for("readers.show", card_number=reader.card_number),
        )
        if response:
            return response
        db.session.refresh(reader)
    else:
        values = _reader_values(reader)
    return render_template(
        "readers/form.html", values=values, errors=errors, reader=reader, **_form_choices()
    ), (422 if errors else 200)


def _reader_values(reader) -> dict:
    return {
        "card_number": reader.card_number,
        "full_name": reader.full_name,
        "date_of_birth": reader.date_of_birth.isoformat() if reader.date_of_birth else "",
        "gender": reader.gender or "",
        "ethnicity": reader.ethnicity or "",
        "category": reader.category.code,
        "admin_unit": reader.admin_unit.code if reader.admin_unit else "",
        "address": reader.address or "",
        "phone": reader.phone or "",
        "email": reader.email or "",
        "school": reader.school or "",
        "guardian_name": reader.guardian_name or "",
        "guardian_phone": reader.guardian_phone or "",
        "home_library": reader.home_library.code,
        "card_issued": reader.card_issued.isoformat(),
        "card_expires": reader.card_expires.isoformat(),
        "keep_history": "1" if reader.keep_history else "",
        "disability": "1" if reader.disability else "",
        "notes": reader.notes or "",
    }


def _action(card_number, action, success_message):
    reader = get_reader(card_number, scope=readers_scope(current_user))
    run_action(lambda: action(reader), success_message)
    return redirect(url_for("readers.show", card_number=reader.card_number))


@bp.route("/<card_number>/renew", methods=["POST"])
@permission_required("readers.edit")
def renew(card_number):
    """Renew a reader's card."""
    return _action(
        card_number, lambda r: renew_card(r, user=current_user), _("The card was renewed.")
    )


@bp.route("/<card_number>/block", methods=["POST"])
@permission_required("readers.edit")
def block(card_number):
    """Block a card with a reason."""
    reason = request.form.get("reason", "")
    return _action(
        card_number,
        lambda r: block_reader(r, reason, user=current_user),
        _("The card is blocked."),
    )


@bp.route("/<card_number>/unblock", methods=["POST"])
@permission_required("readers.edit")
def unblock(card_number):
    """Lift a block."""
    return _action(
        card_number, lambda r: unblock_reader(r, user=current_user), _("The card is unblocked.")
    )


@bp.route("/<card_number>/sign-out", methods=["POST"])
@permission_required("readers.edit")
def sign_out(card_number):
    """Sign the reader out of the OPAC everywhere (a lost phone, a shared computer)."""
    return _action(
        card_number,
        lambda r: sign_reader_out(r, user=current_user),
        _("The reader is signed out everywhere."),
    )


@bp.route("/<card_number>/password", methods=["POST"])
@permission_required("readers.edit")
def set_password(card_number):
    """Set the reader's OPAC password (told to the reader at the desk)."""
    password = request.form.get("password", "")
    return _action(
        card_number,
        lambda r: set_reader_password(r, password, user=current_user),
        _("The password was set."),
    )
