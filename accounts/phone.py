"""US phone numbers: the formats people type, stored one way: "(916) 555-0100 ext. 12"."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

PHONE_HELP = "A US number with its area code, for example (916) 555-0100; add ext. 12 if needed."
PHONE_ERROR = "Enter a US phone number with its area code, for example (916) 555-0100."

# North American numbering: an area code and an exchange never start with 0 or 1. The area
# code is either wrapped in both parentheses or in none.
_US_PHONE = re.compile(
    r"""^(?:\+?1[\s.-]?)?
        (?:\((?P<area1>[2-9]\d\d)\)|(?P<area2>[2-9]\d\d))[\s.-]?
        (?P<exchange>[2-9]\d\d)[\s.-]?
        (?P<line>\d{4})
        (?:\s*(?:x|ext\.?|extension)\s*(?P<ext>\d{1,6}))?$""",
    re.IGNORECASE | re.VERBOSE,
)


def normalize_us_phone(value: str) -> str:
    """The number written as "(916) 555-0100" (plus " ext. N"), or a ValidationError."""
    match = _US_PHONE.match(value.strip())
    if match is None:
        raise ValidationError(PHONE_ERROR, code="invalid_phone")
    area = match["area1"] or match["area2"]
    number = f"({area}) {match['exchange']}-{match['line']}"
    return f"{number} ext. {match['ext']}" if match["ext"] else number


def validate_us_phone(value: str) -> None:
    if value:
        normalize_us_phone(value)
