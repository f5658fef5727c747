"""The readers' pseudonym in the event log has its own key, kept apart from SECRET_KEY."""

from libsys.config import load_config
from libsys.stats.events import reader_key


def test_rotating_the_session_key_leaves_pseudonyms_unchanged(app, monkeypatch):
    with app.app_context():
        before = reader_key(42)
        monkeypatch.setitem(app.config, "SECRET_KEY", "a-rotated-session-key")
        assert reader_key(42) == before
        monkeypatch.setitem(app.config, "PSEUDONYM_KEY", "another-pseudonym-key")
        assert reader_key(42) != before


def test_a_new_install_makes_its_own_pseudonym_key_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LIBSYS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("LIBSYS_PSEUDONYM_KEY", raising=False)
    first = load_config()
    assert first["PSEUDONYM_KEY"] != first["SECRET_KEY"]
    assert (tmp_path / "pseudonym_key").read_text() == first["PSEUDONYM_KEY"]
    monkeypatch.setenv("SECRET_KEY", "rotated")
    assert load_config()["PSEUDONYM_KEY"] == first["PSEUDONYM_KEY"]
    monkeypatch.setenv("LIBSYS_PSEUDONYM_KEY", "from-the-environment")
    assert load_config()["PSEUDONYM_KEY"] == "from-the-environment"


def test_a_running_install_keeps_the_key_its_events_were_made_with(tmp_path, monkeypatch):
    """Events logged before the change were keyed with SECRET_KEY: distinct readers still
    add up across it."""
    (tmp_path / "libsys.db").touch()
    monkeypatch.setenv("LIBSYS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "the-old-session-key")
    monkeypatch.delenv("LIBSYS_PSEUDONYM_KEY", raising=False)
    assert load_config()["PSEUDONYM_KEY"] == "the-old-session-key"
    monkeypatch.setenv("SECRET_KEY", "rotated")
    assert load_config()["PSEUDONYM_KEY"] == "the-old-session-key"
