"""Every message the interface shows has a Vietnamese translation."""

from babel.messages.pofile import read_po

from libsys.i18n import PACKAGE_DIR, extract_messages, translation_directories

DOMAINS_WITH_MESSAGES = sorted(
    {"core"}
    | {
        path.name
        for path in PACKAGE_DIR.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "core"
    }
)


def _vietnamese_catalogue() -> dict[str, str]:
    translations: dict[str, str] = {}
    for directory in translation_directories():
        po_path = directory / "vi" / "LC_MESSAGES" / "messages.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                for message in read_po(handle):
                    if message.id and message.string:
                        translations[message.id] = message.string
    return translations


def test_every_message_is_translated_to_vietnamese():
    translated = _vietnamese_catalogue()
    missing = []
    for domain in DOMAINS_WITH_MESSAGES:
        for msgid, places in extract_messages(domain).items():
            if msgid not in translated:
                missing.append(f"{places[0]}: {msgid!r}")
    assert not missing, "untranslated (run libsys i18n-update DOMAIN):\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    import re

    for msgid, msgstr in _vietnamese_catalogue().items():
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        assert sorted(re.findall(r"%\(\w+\)s", msgstr)) == wanted, msgid


def test_one_message_has_one_translation_in_every_domain():
    """Catalogues are merged at run time: the same English text must not mean two things."""
    seen: dict[str, set[str]] = {}
    for directory in translation_directories():
        po_path = directory / "vi" / "LC_MESSAGES" / "messages.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                for message in read_po(handle):
                    if message.id and message.string:
                        seen.setdefault(message.id, set()).add(message.string)
    conflicts = {msgid: sorted(texts) for msgid, texts in seen.items() if len(texts) > 1}
    assert not conflicts, conflicts
