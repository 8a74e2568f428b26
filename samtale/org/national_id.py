"""Norwegian national identity numbers (fødselsnummer, D-nummer): the key some archives
classify personnel files by (SAMTALE_ARCHIVE_PERSON_KEY=national_id).

Personal data under personopplysningsloven § 12: Samtale stores one only when that setting
asks for it, shows it nowhere in full (the administrator's person form shows it masked and
takes a new one to replace it), and keeps it out of pages, logs, exports, e-mails and the
API; it leaves Samtale only in the messages to the archive.
"""

import re

from samtale.tenancy import tenant_settings

_DIGITS = re.compile(r"[0-9]{11}")
_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def wanted() -> bool:
    """Whether the organization's archive classifies personnel files by it."""
    return tenant_settings.SAMTALE_ARCHIVE_PERSON_KEY == "national_id"


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    remainder = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if remainder == 11:
        return 0
    return None if remainder == 10 else remainder


def normalize(value: str) -> str:
    """The number without spaces; "" for nothing."""
    return re.sub(r"\s+", "", value or "")


def is_valid(value: str) -> bool:
    """Eleven digits whose two check digits are right (modulus 11), and a day and month
    that can be one's birth date (D-numbers add 4 to the day's first digit, synthetic
    test numbers 80 to the month)."""
    if not _DIGITS.fullmatch(value):
        return False
    digits = [int(c) for c in value]
    if _check_digit(digits[:9], _K1) != digits[9] or _check_digit(digits[:10], _K2) != digits[10]:
        return False
    day, month = int(value[0:2]), int(value[2:4])
    if day > 40:
        day -= 40  # D-nummer
    if month > 80:
        month -= 80  # synthetic (Skatteetaten's test numbers)
    elif month > 40:
        month -= 40  # H-nummer
    return 1 <= day <= 31 and 1 <= month <= 12


def masked(value: str) -> str:
    """As the administrator's person form shows a stored number: the last five digits only
    ("••••••• 43206"), enough to tell which number it is, not the birth date before them."""
    return f"••••••• {value[-5:]}" if value else ""
