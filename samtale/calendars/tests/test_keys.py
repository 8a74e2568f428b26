"""A saved calendar address or password is encrypted at rest, and a key that changed makes
it unreadable, never wrong."""

import pytest

from samtale.calendars import keys


@pytest.fixture(autouse=True)
def _fresh_keys():
    keys._fernet.cache_clear()
    yield
    keys._fernet.cache_clear()


def test_what_is_stored_is_not_the_password_and_reads_back():
    stored = keys.encrypt("kari-passord")
    assert "kari-passord" not in stored
    assert keys.decrypt(stored) == "kari-passord"
    assert keys.encrypt("") == "" and keys.decrypt("") == ""


def test_the_same_password_is_stored_differently_each_time():
    assert keys.encrypt("kari-passord") != keys.encrypt("kari-passord")


def test_another_secret_key_cannot_read_it(settings):
    stored = keys.encrypt("kari-passord")
    settings.SECRET_KEY = "another-secret-key-" + "y" * 50
    with pytest.raises(keys.Undecryptable):
        keys.decrypt(stored)


def test_a_key_of_its_own_outlives_a_new_secret_key(settings):
    from cryptography.fernet import Fernet

    settings.SAMTALE_BUSY_KEY = Fernet.generate_key().decode()
    stored = keys.encrypt("kari-passord")
    settings.SECRET_KEY = "another-secret-key-" + "y" * 50
    assert keys.decrypt(stored) == "kari-passord"
