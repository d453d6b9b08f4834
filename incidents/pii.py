"""Personal information in a case's description (F-4).

``find_personal_information`` looks for what identifies a student in free text: a 10-digit
number (an SSID), a date of birth, an email address, a US phone number, or a name of a student
in the case. Each ``Finding`` says what was found and in which sentence, never the text itself:
the message is shown back on the page and must not carry the name it is about.

It errs toward ordinary text passing: "grade 10", "question 7", "10:30", "the 2026-27 school
year", a 14-digit CDS code and the incident's own date are not personal information. A date is
a date of birth when its year is one a student was born in (``BIRTH_AGES`` years before today),
or when "born", "birth" or "DOB" comes just before it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone

# Students are 3 (transitional kindergarten) to 22 (adult transition programs); a margin each way.
BIRTH_AGES = range(3, 26)
NAME_MIN_LETTERS = 2  # an initial alone ("J.") is not matched
# A name that is also a word a description uses ("the student will", "may have") is matched only
# when capitalized; any other name matches in any case.
WORD_NAMES = frozenset(
    re.findall(
        r"\w+",
        "april art august bell bill black brown chase dawn drew early faith frank grace grant green"
        " guy hope hunter joy june king long love mark max may miles page pat ray reading rich rose"
        " sky star sue summer white will young",
    )
)


class PiiKind(StrEnum):
    SSID = "ssid"
    BIRTH_DATE = "birth_date"
    EMAIL = "email"
    PHONE = "phone"
    STUDENT_NAME = "student_name"


LABELS = {
    PiiKind.SSID: "a 10-digit number (an SSID)",
    PiiKind.BIRTH_DATE: "a date of birth",
    PiiKind.EMAIL: "an email address",
    PiiKind.PHONE: "a phone number",
    PiiKind.STUDENT_NAME: "a student's name",
}


@dataclass(frozen=True)
class Finding:
    kind: PiiKind
    start: int  # character offsets in the text, for highlighting
    end: int
    sentence: int  # 1-based

    @property
    def message(self) -> str:
        """What was found and where, e.g. "an email address in sentence 2"."""
        return f"{LABELS[self.kind]} in sentence {self.sentence}"


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)[\s.-]?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
)
# Exactly ten digits: a CDS code (14) or a longer number is not an SSID.
_SSID = re.compile(r"(?<![\d.,])\d{10}(?![\d]|[.,]\d)")
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# 4/30/2015, 04-30-15, 4.30.2015 (one separator throughout)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
# 2015-04-30, 2015/4/30
_ISO_DATE = re.compile(r"(?<![\d/-])(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?![\d/-])")
_NAMED_DATE = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)  # April 30, 2015
_DAY_FIRST_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.IGNORECASE
)  # 30 April 2015
_BIRTH_WORDS = re.compile(r"\b(?:born|birth\w*|d\.?o\.?b\.?)\W{0,20}$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\s*\n\s*")


def find_personal_information(
    text: str, *, student_names: Iterable[str] = (), today: date | None = None
) -> list[Finding]:
    """What in ``text`` looks like personal information, in order of appearance.

    ``student_names`` are the case's students' names (full names or parts); each word of them
    is looked for whole, ignoring case and accents. ``today`` sets which years are birth years
    (California's today by default).
    """
    today = today or timezone.localdate()
    spans: list[tuple[int, int, PiiKind]] = []
    spans += [(m.start(), m.end(), PiiKind.EMAIL) for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), PiiKind.PHONE) for m in _PHONE.finditer(text)]
    spans += [(m.start(), m.end(), PiiKind.SSID) for m in _SSID.finditer(text)]
    spans += [(start, end, PiiKind.BIRTH_DATE) for start, end in _birth_dates(text, today)]
    spans += [(start, end, PiiKind.STUDENT_NAME) for start, end in _names(text, student_names)]
    # An email address may hold digits and a phone number a date-like run: the first, longest
    # span wins and what overlaps it is dropped.
    spans.sort(key=lambda span: (span[0], span[0] - span[1]))
    sentence_starts = [m.end() for m in _SENTENCE_END.finditer(text)]
    findings: list[Finding] = []
    last_end = -1
    for start, end, kind in spans:
        if start >= last_end:
            sentence = 1 + bisect.bisect_right(sentence_starts, start)
            findings.append(Finding(kind, start, end, sentence))
            last_end = end
    return findings


def _birth_dates(text: str, today: date) -> list[tuple[int, int]]:
    found = []
    for match, year, month, day in _dates(text, today):
        try:
            date(year, month, day)
        except ValueError:
            continue  # 13/45/2015 is not a date
        told = _BIRTH_WORDS.search(text, max(0, match.start() - 40), match.start())
        if told or today.year - year in BIRTH_AGES:
            found.append((match.start(), match.end()))
    return found


def _dates(text: str, today: date) -> Iterable[tuple[re.Match[str], int, int, int]]:
    for m in _NUMERIC_DATE.finditer(text):
        yield m, _full_year(m.group(4), today), int(m.group(1)), int(m.group(3))
    for m in _ISO_DATE.finditer(text):
        yield m, int(m.group(1)), int(m.group(3)), int(m.group(4))
    for m in _NAMED_DATE.finditer(text):
        yield m, int(m.group(3)), _month(m.group(1)), int(m.group(2))
    for m in _DAY_FIRST_DATE.finditer(text):
        yield m, int(m.group(3)), _month(m.group(2)), int(m.group(1))


def _full_year(year: str, today: date) -> int:
    if len(year) == 4:
        return int(year)
    # 4/30/15 is 2015; 4/30/98 is 1998.
    century = today.year - today.year % 100
    return century + int(year) if int(year) <= today.year % 100 else century - 100 + int(year)


def _month(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` without accents and case, with each folded character's index in ``text``."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.replace("\u2019", "'")):
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        for c in plain.casefold():
            folded.append(c)
            origin.append(index)
    return "".join(folded), origin


def _name_words(student_names: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for name in student_names:
        folded, _ = _fold(name)
        for word in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", folded):
            # Garcia-Lopez is looked for whole and as Garcia and Lopez.
            for part in {word, *re.split(r"['-]", word)}:
                if len(part) >= NAME_MIN_LETTERS:
                    words.add(part)
    return words


def _names(text: str, student_names: Iterable[str]) -> list[tuple[int, int]]:
    words = _name_words(student_names)
    if not words:
        return []
    folded, origin = _fold(text)
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)"
    )
    found = []
    for match in pattern.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if match.group(1) in WORD_NAMES and not text[start].isupper():
            continue
        found.append((start, end))
    return found
