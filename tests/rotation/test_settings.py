"""Rotation settings a province sets in the environment."""

from libsys.rotation import settings_from_env


def test_the_stay_limit_and_the_checks_come_from_the_environment():
    settings = settings_from_env(
        {"LIBSYS_ROTATION_MAX_MONTHS": "9", "LIBSYS_ROTATION_CHECKS_OFF": "rare, few_copies"}
    )
    assert settings["ROTATION_MAX_MONTHS"] == 9
    assert settings["ROTATION_CHECKS"] == {
        "available": True,
        "reference_only": True,
        "rare": False,
        "few_copies": False,
    }
    assert "ROTATION_MIN_COPIES" not in settings


def test_nothing_set_changes_nothing_and_nonsense_is_ignored():
    assert settings_from_env({}) == {}
    assert settings_from_env({"LIBSYS_ROTATION_MAX_MONTHS": "six"}) == {}
