"""What the benchmark's California looks like: the organizations, students and test events that
``bench/generate.py`` writes, drawn by ``Generator`` from one ``random.Random(SEED)`` in a fixed
order, so a given size always yields the same rows, ids included. Pure: no Django, no database.
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stairs.sample_data import QUESTIONS_OTHERWISE, QUESTIONS_PER_PART  # noqa: E402
from stairs.vocabulary import (  # noqa: E402  (pure too)
    ELPAC_DOMAINS,
    AssessmentCode,
    Delivery,
    PartCode,
    TestStatus,
)
from students.dates import expires_at  # noqa: E402  (pure: no Django needed)

VERSION = 3  # bump when the shape changes: an older dataset is then generated again
SEED = 20261127
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/stairs_bench"
DEFAULT_STUDENTS = 5_850_000  # California's public school enrollment, about 5.85 million
# Last year's test events for this share of the students: a profile's earlier year and the
# appeals that look back, at about 20 million events for the state (this year's are ~3.2 a
# student; TOMS keeps the earlier years' events out of the current roster).
PRIOR_YEAR_SHARE = 0.15

LEAS = 1_000
SCHOOLS = 10_000
BIG_LEA_SHARE = 0.10  # of students and of schools, like LAUSD
COUNTY = "99"  # not a California county: bench CDS codes never collide with real ones
# Organization ids: 1 the state, 2 CalTAC, then the LEAs (the big one first), then the schools.
STATE_ID, CALTAC_ID, BIG_LEA_ID = 1, 2, 3
CURRENT_YEAR, PRIOR_YEAR = 2026, 2025
LOADED_AT = datetime(2026, 8, 3, 15, 0, tzinfo=UTC)  # the roster import of the school year
DATA_DAY = date(2026, 11, 25)  # the day the data describes: open tests expire after it
BENCH_EMAIL_DOMAIN = "bench.stairs.example.org"

# The users the benchmark signs in as (their grants are written below).
LEA_COORDINATOR = f"lea.coordinator@{BENCH_EMAIL_DOMAIN}"
SITE_COORDINATOR = f"site.coordinator@{BENCH_EMAIL_DOMAIN}"
CDE_REVIEWER = f"cde.reviewer@{BENCH_EMAIL_DOMAIN}"

# Most common student surnames in California first: weight 1/(rank + 8) gives Garcia about 2%
# and the top 10 about 15%; the rest of the students get a made-up tail name (TAIL_SHARE).
LAST_NAMES = (  # noqa: SIM905
    "Garcia Hernandez Lopez Martinez Rodriguez Gonzalez Perez Sanchez Ramirez Flores Torres "
    "Nguyen Rivera Gomez Diaz Cruz Reyes Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez "
    "Mendoza Castillo Jimenez Vasquez Romero Herrera Medina Aguilar Castro Vargas Guzman Salazar "
    "Rojas Contreras Luna Juarez Dominguez Estrada Soto Delgado Avila Rios Cortez Guerrero Nunez "
    "Acosta Sandoval Campos Vazquez Espinoza Navarro Silva Lee Kim Smith Johnson Williams Brown "
    "Jones Davis Miller Wilson Anderson Taylor Thomas Moore Jackson Martin White Harris Thompson "
    "Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Campbell "
    "Evans Turner Collins Stewart Tran Le Pham Huynh Hoang Vu Vo Dang Bui Do Chen Wang Wong Liu "
    "Lin Huang Zhang Li Yang Wu Chang Patel Singh Shah Kaur Khan Ali Ahmed Park Choi Cho Kang "
    "Yoon Tanaka Yamamoto Nakamura Santos Reyes-Lopez Mendez Fernandez Valdez Velasquez Cervantes "
    "Ochoa Zamora Pacheco Ibarra Solis"
).split()
FIRST_NAMES = (  # noqa: SIM905
    "Maria Sofia Daniel Emily Angel Camila Ethan Isabella Jacob Valeria Noah Ximena Liam Aaliyah "
    "Mateo Mia Diego Chloe Luis Hannah Kevin Priya Arjun Mai Minh Leilani Kai Fatima Omar Grace "
    "Samuel Lucia Adrian Zoe Elijah Ava Gabriel Nina Ryan Ana Christopher Hana Jin Olivia "
    "Benjamin Amara Tariq Rosa Miguel Layla Dylan Aiyana Carlos Esperanza Tomas Naomi Julian "
    "Sebastian Emma Alexander Victoria Jose Natalie Andrew Ashley Anthony Jasmine David Samantha "
    "Joshua Andrea Matthew Alexa Nathan Brianna Isaac Kimberly Aiden Vanessa Jayden Stephanie "
    "Leonardo Evelyn Joseph Abigail Jesus Madison Juan Elizabeth Adriana Jonathan Genesis Eric "
    "Alyssa Oscar Melanie Bryan Daniela Ivan Leah Jorge Sarah Henry Lily Jackson Aria James "
    "Scarlett Lucas Penelope Owen Nora Wyatt Stella Eduardo Paola Ricardo Fernanda Francisco "
    "Guadalupe Alejandro Ariana Emiliano Renata Santiago Yuki Hiro Wei Mei Ravi Anika Dev Tenzin "
    "Omari Zainab Yusuf Amir Noor Sione Malia"
).split()
TAIL_SHARE = 0.45
# The tail: 25 x 10 x 10 x 15 = 37,500 made-up surnames, a dozen students each per million.
_ONSETS = "Ab Bal Cor Dal Es Fen Gal Har Ib Jor Kel Lan Mor Nor Ol Pem Quin Ros Sal Tor Ul Val Wes"
_ONSETS += " Yar Zel"
_MIDDLES = "a e i o u ar er in on el"
_INNER = "b d l m n r s t v z"
_ENDS = "ton ley son ford wick berg man ridge dale ez ini ova sky ard ens"
TAIL_NAMES = [
    (o + m + i + e).capitalize()
    for o, m, i, e in itertools.product(
        *(part.split() for part in (_ONSETS, _MIDDLES, _INNER, _ENDS))
    )
]
PLACES = (  # noqa: SIM905
    "Alder Arroyo Bayview Bellflower Canyon Cedar Cielo Coastal Cypress Desert Eagle Encina "
    "Foothill Golden Granite Harbor Highland Hillcrest Juniper Lakeside Laurel Madrone Manzanita "
    "Mesa Mission Monte Ocean Orchard Pacific Palomar Pinecrest Poppy Redwood Rio Sage Sierra "
    "Solano Sunset Sycamore Valley Vista Willow"
).split()

# Smarter Balanced grades; CAST (or the CAA for Science) once in elementary, middle and high.
SB_GRADES = frozenset({3, 4, 5, 6, 7, 8, 11})
SCIENCE_GRADES = frozenset({5, 8, 12})
# (label, grades, share in percent)
SCHOOL_KINDS = (
    ("Elementary", range(0, 6), 60),
    ("Middle", range(6, 9), 18),
    ("High", range(9, 13), 22),
)
# (status, weight) for this year's events (in the middle of the window) and last year's.
CURRENT_STATUSES = (
    (TestStatus.NOT_STARTED, 450),
    (TestStatus.IN_PROGRESS, 120),
    (TestStatus.PAUSED, 50),
    (TestStatus.SUBMITTED, 340),
    (TestStatus.EXPIRED, 25),
    (TestStatus.RESET, 10),
    (TestStatus.INVALIDATED, 5),
)
PRIOR_STATUSES = (
    (TestStatus.SUBMITTED, 970),
    (TestStatus.EXPIRED, 20),
    (TestStatus.INVALIDATED, 5),
    (TestStatus.NOT_STARTED, 5),
)
# When this year's and last year's tests were opened.
OPENED_BETWEEN = {
    CURRENT_YEAR: (date(2026, 9, 8), date(2026, 11, 20)),
    PRIOR_YEAR: (date(2026, 3, 2), date(2026, 5, 29)),
}


@dataclass(frozen=True)
class Part:
    id: int
    test: str
    code: str
    expiry_days: int | None
    on_paper: bool


# --- the data -------------------------------------------------------------------------------


def _cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), each part >= 0."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def ssid_for(n: int) -> str:
    """A unique, random-looking 10-digit SSID for student number ``n``: multiplying by a number
    prime to 10^10 permutes the 10-digit range."""
    return f"{(n * 7_654_321_013 + 1_234_567_891) % 10**10:010d}"


class Generator:
    def __init__(self, students: int, parts: dict[tuple[str, str], Part]) -> None:
        self.rng = random.Random(SEED)
        self.students = students
        self.parts = parts
        last_weights = [1 / (rank + 8) for rank in range(len(LAST_NAMES))]
        head = sum(last_weights)
        tail_weight = head * TAIL_SHARE / (1 - TAIL_SHARE) / len(TAIL_NAMES)
        self.last_names = LAST_NAMES + TAIL_NAMES
        self.last_cum = _cumulative(last_weights + [tail_weight] * len(TAIL_NAMES))
        self.first_cum = _cumulative([1 / (rank + 15) for rank in range(len(FIRST_NAMES))])
        self.current_cum = _cumulative([w for _, w in CURRENT_STATUSES])
        self.prior_cum = _cumulative([w for _, w in PRIOR_STATUSES])
        self.event_id = 0
        self._expiries: dict[tuple[date, int], str] = {}
        # (date, its text) of each day tests were opened on, per school year.
        self._days = {
            year: [
                (first + timedelta(days=d), (first + timedelta(days=d)).isoformat())
                for d in range((last - first).days + 1)
            ]
            for year, (first, last) in OPENED_BETWEEN.items()
        }
        self.changes: list[tuple] = []
        self.notations: list[tuple] = []

    def organizations(self) -> tuple[list[tuple], list[tuple[int, int, range]]]:
        """Rows (id, kind, name, cds_code, parent_id), and (school id, LEA id, grades)."""
        rng = self.rng
        orgs: list[tuple] = [
            (STATE_ID, "STATE", "California Department of Education", None, None),
            (CALTAC_ID, "CALTAC", "California Technical Assistance Center", None, None),
        ]
        big_schools = round(SCHOOLS * BIG_LEA_SHARE)
        # The other LEAs: a long tail, from single-school districts to a few hundred schools.
        weights = [1 / (i + 10) for i in range(LEAS - 1)]
        counts = [big_schools] + [1 + n for n in _split(SCHOOLS - big_schools - LEAS + 1, weights)]
        schools: list[tuple[int, int, range]] = []  # (school id, LEA id, grades)
        next_id = BIG_LEA_ID + LEAS
        kind_weights = [share for _, _, share in SCHOOL_KINDS]
        for i, count in enumerate(counts):
            lea_id = BIG_LEA_ID + i
            place = "Grand Pacific" if i == 0 else f"{rng.choice(PLACES)} {rng.choice(PLACES)}"
            lea_kind = "Unified" if i == 0 or count > 3 else rng.choice(("Elementary", "Union"))
            district = f"{10000 + i:05d}"
            orgs.append((lea_id, "LEA", f"{place} {lea_kind}", f"{COUNTY}{district}0000000", None))
            for j in range(count):
                label, grades, _ = rng.choices(SCHOOL_KINDS, weights=kind_weights)[0]
                name = f"{rng.choice(PLACES)} {label} #{j + 1}"
                orgs.append(
                    (next_id, "SCHOOL", name, f"{COUNTY}{district}{6000001 + j:07d}", lea_id)
                )
                schools.append((next_id, lea_id, grades))
                next_id += 1
        return orgs, schools

    def school_sizes(self, schools: list[tuple[int, int, range]]) -> list[int]:
        """Students per school: 10% in the big LEA, the rest elsewhere, sizes spread lognormally
        (a rural school of a few dozen next to a high school of over a thousand)."""
        rng = self.rng
        weights = [rng.lognormvariate(0, 0.6) * (2.5 if g.start >= 9 else 1) for _, _, g in schools]
        big = [i for i, (_, lea, _) in enumerate(schools) if lea == BIG_LEA_ID]
        rest = [i for i, (_, lea, _) in enumerate(schools) if lea != BIG_LEA_ID]
        sizes = [0] * len(schools)
        big_total = round(self.students * BIG_LEA_SHARE)
        for group, total in ((big, big_total), (rest, self.students - big_total)):
            for i, n in zip(group, _split(total, [weights[i] for i in group]), strict=True):
                sizes[i] = n
        return sizes

    def students_and_events(
        self, schools: list[tuple[int, int, range]], sizes: list[int]
    ) -> Iterator[tuple[str, list[str]]]:
        """(student line, its test event lines) in COPY text format, school by school as roster
        imports write them. Formatting the lines here, not through ``write_row``, halves the
        time of a load."""
        random = self.rng.random
        first_names, first_cum, first_total = FIRST_NAMES, self.first_cum, self.first_cum[-1]
        last_names, last_cum, last_total = self.last_names, self.last_cum, self.last_cum[-1]
        elas_values, elas_cum = ("EO", "EL", "RFEP", "IFEP", "TBD"), _cumulative([58, 19, 15, 7, 1])
        births = {
            grade: [
                (date(2026 - 6 - grade, 9, 1) + timedelta(days=d)).isoformat() for d in range(365)
            ]
            for grade in range(13)
        }
        order = list(range(len(schools)))
        self.rng.shuffle(order)
        student_id = 0
        for index in order:
            school_id, lea_id, grades = schools[index]
            for _ in range(sizes[index]):
                student_id += 1
                grade = grades[int(random() * len(grades))]
                iep = random() < 0.13
                elas = elas_values[bisect.bisect(elas_cum, random() * 100)]
                middle = first_names[bisect.bisect(first_cum, random() * first_total)]
                if random() < 0.5:
                    middle = ""
                first = first_names[bisect.bisect(first_cum, random() * first_total)]
                last = last_names[bisect.bisect(last_cum, random() * last_total)]
                born = births[grade][int(random() * 365)]
                section_504 = random() < 0.03
                special_ed = iep and random() < 0.5
                student = (
                    f"{student_id}\t{ssid_for(student_id)}\t{first}\t{middle}\t{last}\t{born}\t"
                    f"{grade}\t{_BOOL[iep]}\t{_BOOL[section_504]}\t{_BOOL[special_ed]}\t{elas}\t"
                    f"{LOADED_TEXT}\t{LOADED_TEXT}\t{school_id}\t{lea_id}\n"
                )
                alternate = iep and random() < 0.08  # CAAs instead of Smarter Balanced
                spanish = grade >= 3 and random() < 0.04
                events = self._events(student_id, CURRENT_YEAR, grade, elas, alternate, spanish)
                if grade > 0 and random() < PRIOR_YEAR_SHARE:
                    prior_elas = "EL" if elas == "RFEP" else elas
                    events += self._events(
                        student_id, PRIOR_YEAR, grade - 1, prior_elas, alternate, spanish
                    )
                yield student, events

    def _assignments(self, grade: int, elas: str, alternate: bool, spanish: bool) -> list[Part]:
        p = self.parts
        out: list[Part] = []
        if grade in SB_GRADES:
            if alternate:
                out += [p[AssessmentCode.CAA_ELA, ""], p[AssessmentCode.CAA_MATH, ""]]
            else:
                out += [
                    p[t, c]
                    for t in (AssessmentCode.SB_ELA, AssessmentCode.SB_MATH)
                    for c in (PartCode.NON_PT, PartCode.PT)
                ]
        if grade in SCIENCE_GRADES:
            out.append(
                p[AssessmentCode.CAA_SCIENCE, ""] if alternate else p[AssessmentCode.CAST, ""]
            )
        if spanish:
            out.append(p[AssessmentCode.CSA, ""])
        domains = ELPAC_DOMAINS
        if elas == "EL":
            out += [p[AssessmentCode.SUMMATIVE_ELPAC, d] for d in domains]
        elif elas == "TBD":
            out += [p[AssessmentCode.INITIAL_ELPAC, d] for d in domains]
        return out

    def _expiry(self, day: date, days: int) -> str:
        """T-1's expiry, as text, of a test opened on ``day`` (opening hours are 15:00-19:00 UTC,
        the same date in California)."""
        key = (day, days)
        if key not in self._expiries:
            opened = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
            self._expiries[key] = expires_at(opened, days).isoformat(sep=" ")
        return self._expiries[key]

    def _events(
        self, student_id: int, year: int, grade: int, elas: str, alternate: bool, spanish: bool
    ) -> list[str]:
        random = self.rng.random
        statuses, cum = (
            (CURRENT_STATUSES, self.current_cum)
            if year == CURRENT_YEAR
            else (PRIOR_STATUSES, self.prior_cum)
        )
        first = OPENED_BETWEEN[year][0]
        days = self._days[year]
        rows = []
        for part in self._assignments(grade, elas, alternate, spanish):
            self.event_id += 1
            event_id = self.event_id
            status = statuses[bisect.bisect(cum, random() * cum[-1])][0]
            delivery = Delivery.PAPER if part.on_paper and random() < 0.02 else Delivery.ONLINE
            expiry_days = part.expiry_days if delivery == Delivery.ONLINE else None
            if status == TestStatus.EXPIRED and expiry_days is None:
                status = TestStatus.SUBMITTED  # only an online test with an expiry expires (T-1)
            length = QUESTIONS_PER_PART.get(part.code, QUESTIONS_OTHERWISE)
            opened = expires = submitted = NULL
            questions, condition, reset_by_appeal = 0, "", False
            if status not in (TestStatus.NOT_STARTED, TestStatus.RESET):
                # Expired tests expired before DATA_DAY; open ones have not yet.
                lo, hi = 0, len(days)
                if expiry_days is not None and year == CURRENT_YEAR:
                    if status == TestStatus.EXPIRED:
                        hi = (DATA_DAY - first).days - expiry_days
                    elif status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED):
                        lo = max(0, (DATA_DAY - first).days - expiry_days)
                day, day_text = days[lo + int(random() * (hi - lo))]
                second = 15 * 3600 + int(random() * 4 * 3600)
                opened = f"{day_text} {_TIME_OF_DAY[second]}"
                if expiry_days is not None:
                    expires = self._expiry(day, expiry_days)
                if status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED, TestStatus.EXPIRED):
                    questions = 1 + int(random() * (length - 1))
                else:
                    questions = length
                    second += 60 * (20 + int(random() * 220))
                    submitted = f"{day_text} {_TIME_OF_DAY[second]}"
            if status == TestStatus.INVALIDATED:
                condition = "INV"
                ref = f"STAIRS-{year}-{event_id % 100000:05d}"
                detail = "Invalidated by an approved appeal"
                self.changes.append(
                    (event_id, submitted, status, TestStatus.SUBMITTED, status, detail, "", ref)
                )
                text = "Testing irregularity: a student had access to notes."
                self.notations.append((event_id, text, ref, submitted))
            elif status == TestStatus.RESET:
                reset_by_appeal = True
                ref = f"STAIRS-{year}-{event_id % 100000:05d}"
                at = (DATA_DAY - timedelta(days=20)).isoformat() + " 18:00:00+00"
                detail, reason = "Reset by an approved appeal", "Wrong test administered."
                self.changes.append(
                    (event_id, at, status, TestStatus.SUBMITTED, status, detail, reason, ref)
                )
            elif status == TestStatus.EXPIRED and expires is not NULL:
                detail = f"Expired after {part.expiry_days} calendar days"
                self.changes.append(
                    (event_id, expires, status, TestStatus.IN_PROGRESS, status, detail, "", "")
                )
            dei = (
                delivery == Delivery.PAPER or part.code == PartCode.SPEAKING
            ) and submitted is not NULL
            rows.append(
                f"{event_id}\t{year}\t{grade}\t{delivery}\t{status}\t{opened}\t{expires}\t"
                f"{submitted}\t{questions}\t{_BOOL[dei]}\t{condition}\t{_BOOL[reset_by_appeal]}\t"
                f"{LOADED_TEXT}\t{part.id}\t{student_id}\n"
            )
        return rows


NULL = "\\N"  # COPY text format
_BOOL = {True: "t", False: "f"}


# "HH:MM:SS+00" for every second of a day (tests open and are submitted 15:00-23:00 UTC).
_TIME_OF_DAY = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86400)]
LOADED_TEXT = LOADED_AT.isoformat(sep=" ")
