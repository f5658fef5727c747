"""A reader's words: the labels of her record's fields and of her gender, as the staff reader
page and its form say them; for the files and logs that name them (privacy's export for her,
the audit log, the statistics' breakdowns)."""

from flask_babel import lazy_gettext as _l

GENDER_LABELS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}

# Her record's fields, in the words of the staff reader page and its form.
READER_LABELS = {
    "card_number": _l("Card number"),
    "full_name": _l("Full name"),
    "date_of_birth": _l("Date of birth"),
    "gender": _l("Gender"),
    "ethnicity": _l("Ethnicity"),
    "category": _l("Category"),
    "home_library": _l("Home library"),
    "admin_unit": _l("Commune / ward"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "school": _l("School"),
    "guardian_name": _l("Parent or guardian"),
    "guardian_phone": _l("Guardian's phone"),
    "disability": _l("Person with a disability"),
    "card_issued": _l("Card issued"),
    "card_expires": _l("Card expires"),
    "status": _l("Status"),
    "blocked_reason": _l("Reason for blocking"),
    "keep_history": _l("Keep my reading history (the reader agrees)"),
    "has_password": _l("Has an OPAC password"),
    "language": _l("Language"),
    "notes": _l("Notes"),
    "created_at": _l("Registered on"),
    "updated_at": _l("Last changed on"),
}
