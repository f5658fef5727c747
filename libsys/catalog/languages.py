"""Language names for the MARC language codes of 008/35-37 and 041 (vie -> "Tiếng Việt").

The names come from CLDR through Babel, in the interface's language. MARC's code list is
ISO 639-2/B (fre, ger, chi, cze...), not the 639-2/T or 639-1 codes CLDR keys its names by;
CLDR's own table of language aliases maps both to 639-1 (fre and fra -> fr). The few codes
MARC has that are not ISO's (obsolete ones still found in old records, and the collective
codes for the Tai and Mon-Khmer languages of Vietnam's minorities) are listed here.
"""

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# MARC codes that are not ISO 639-2 or name something else there: code -> CLDR code.
MARC_ONLY = {
    "tag": "tl",  # Tagalog (obsolete MARC code, now tgl)
    "far": "fo",  # Faroese (fao)
    "int": "ia",  # Interlingua (ina)
    "esp": "eo",  # Esperanto (epo)
    "eth": "gez",  # Ethiopic (gez)
    "gal": "om",  # Oromo (orm)
    "gae": "gd",  # Scottish Gaelic (gla)
    "iri": "ga",  # Irish (gle)
    "lan": "oc",  # Occitan (oci)
    "mla": "mg",  # Malagasy (mlg)
    "scc": "sr",  # Serbian (srp)
    "scr": "hr",  # Croatian (hrv)
    "snh": "si",  # Sinhalese (sin)
    "sso": "st",  # Sotho (sot)
    "swz": "ss",  # Swazi (ssw)
    "tar": "tt",  # Tatar (tat)
    "tsw": "tn",  # Tswana (tsn)
}
# Collective and special codes CLDR has no name for.
OWN_NAMES = {
    "tai": _l("Tai languages"),
    "mkh": _l("Mon-Khmer languages"),
    "sit": _l("Sino-Tibetan languages"),
    "map": _l("Austronesian languages"),
    "mis": _l("Other language"),
}


def _cldr_code(code: str) -> str:
    code = MARC_ONLY.get(code, code)
    return get_global("language_aliases").get(code, code)


def language_name(code: str | None, locale=None) -> str:
    """The language's name for a MARC code, in the interface's language (the code if unknown)."""
    if not code:
        return ""
    code = code.strip().lower()
    if code in OWN_NAMES:
        return str(OWN_NAMES[code])
    try:
        names = Locale.parse(locale or get_locale() or "vi").languages
    except (UnknownLocaleError, ValueError):
        names = Locale("vi").languages
    name = names.get(_cldr_code(code)) or names.get(code)
    return name[:1].upper() + name[1:] if name else code
