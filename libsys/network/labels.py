"""The network's words: the names of library levels, kinds of rotation point and store, and
administrative levels, for its pages and for the statistics that group by them."""

from flask_babel import lazy_gettext as _l

from libsys.network.models import ADMIN_LEVELS, LIBRARY_LEVELS, POINT_KINDS, STORE_KINDS

LEVEL_LABELS = {
    "provincial": _l("Provincial library"),
    "district": _l("District library"),
    "commune": _l("Commune library"),
    "school": _l("School library"),
    "point": _l("Rotation point"),
    "other": _l("Other library"),
}
POINT_KIND_LABELS = {
    "post_office": _l("Commune post-office cultural point"),
    "school": _l("School bookcase"),
    "bookcase": _l("Village or commune bookcase"),
    "community": _l("Community or family library"),
    "army": _l("Army unit"),
    "prison": _l("Prison"),
    "mobile": _l("Mobile library stop"),
}
STORE_KIND_LABELS = {
    "reading": _l("Reading room"),
    "lending": _l("Lending"),
    "children": _l("Children"),
    "local_studies": _l("Local studies"),
    "foreign": _l("Foreign languages"),
    "rotation": _l("Rotation stock"),
    "multimedia": _l("Multimedia"),
}
ADMIN_LEVEL_LABELS = {
    "province": _l("Province"),
    "district": _l("District"),
    "commune": _l("Commune"),
}
assert set(LEVEL_LABELS) == set(LIBRARY_LEVELS) and set(POINT_KIND_LABELS) == set(POINT_KINDS)
assert set(STORE_KIND_LABELS) == set(STORE_KINDS) and set(ADMIN_LEVEL_LABELS) == set(ADMIN_LEVELS)
