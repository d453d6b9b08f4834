"""The appeal rules' view of the assessment catalog: which program a test belongs to, its parts,
where the 20-minute pause rule applies and when a part expires.

Pure constants, no Django. The students app owns the assessment catalog as data (models, admin);
this table holds only the facts the rules in `appeals/rules.py` need, so the rules can be tested
and benchmarked without a database. The codes are the stable ones of contracts.md and match the
students app's codes; tests/appeals/test_rules.py pins them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from stairs.vocabulary import (
    ELPAC_DOMAINS,
    SMARTER_BALANCED_PARTS,
    Delivery,
    PartCode,
    Program,
)

CAASPP: Final = Program.CAASPP
ELPAC: Final = Program.ELPAC
PROGRAMS: Final = tuple(Program)

NON_PT: Final = PartCode.NON_PT
PT: Final = PartCode.PT
LISTENING: Final = PartCode.LISTENING
SPEAKING: Final = PartCode.SPEAKING
READING: Final = PartCode.READING
WRITING: Final = PartCode.WRITING
SB_PARTS: Final = SMARTER_BALANCED_PARTS
PARTS: Final = SB_PARTS + ELPAC_DOMAINS

ONLINE: Final = Delivery.ONLINE
PAPER: Final = Delivery.PAPER
DELIVERIES: Final = tuple(Delivery)

PART_LABELS: Final = MappingProxyType({p: p.short_label for p in PartCode})


@dataclass(frozen=True, slots=True)
class Assessment:
    code: str
    label: str
    program: str
    # Empty for a test taken as a whole (CAST, CAA, CSA): C-1 counts its questions as one.
    parts: tuple[str, ...]
    # Parts with the 20-minute pause rule (T-3, A-GPE-1); () for a whole test means "none",
    # and `whole_test_pause_rule` covers tests without parts.
    pause_rule_parts: tuple[str, ...] = ()
    whole_test_pause_rule: bool = False
    # Calendar days from start (CAASPP) or opening (ELPAC) to expiry, per part (T-1); a "" key
    # is the whole test. Missing means the documents do not state it.
    expiry_days: MappingProxyType[str, int] = MappingProxyType({})
    # Parts entered in the DEI even when the test is taken online (003, Reset "How It Works";
    # 001 on Initial ELPAC Speaking K-12 and Writing K-2). Paper tests always use the DEI.
    online_dei_parts: tuple[str, ...] = ()
    online_dei_whole_test: bool = False

    def part_label(self, part: str | None) -> str:
        """E.g. "Smarter Balanced Mathematics non-PT", "Summative ELPAC Reading", "CAST"."""
        return f"{self.label} {PART_LABELS[part]}" if part else self.label

    def has_pause_rule(self, part: str | None, delivery: str) -> bool:
        # T-3 and A-GPE-1: the pause rule is a TDS (online) rule; paper has none.
        if delivery != ONLINE:
            return False
        if part is None:
            return self.whole_test_pause_rule
        return part in self.pause_rule_parts

    def uses_dei(self, part: str | None, delivery: str, grade: int) -> bool:
        if delivery == PAPER:
            return True
        if part is None:
            return self.online_dei_whole_test
        if self.code == "INITIAL_ELPAC" and part == WRITING and grade <= 2:
            # 001 and 003: Initial ELPAC Writing in kindergarten through grade 2 is scored in the
            # DEI even online.
            return True
        return part in self.online_dei_parts


_CAASPP_45 = MappingProxyType({"": 45})

ASSESSMENTS: Final[MappingProxyType[str, Assessment]] = MappingProxyType(
    {
        a.code: a
        for a in (
            Assessment(
                "SB_ELA",
                "Smarter Balanced ELA",
                CAASPP,
                SB_PARTS,
                pause_rule_parts=(NON_PT,),
                expiry_days=MappingProxyType({NON_PT: 45, PT: 10}),
            ),
            Assessment(
                "SB_MATH",
                "Smarter Balanced Mathematics",
                CAASPP,
                SB_PARTS,
                pause_rule_parts=(NON_PT,),
                expiry_days=MappingProxyType({NON_PT: 45, PT: 10}),
            ),
            # CAST and CSA have no PT: they are wholly non-PT tests, so the CAASPP non-PT pause
            # rule applies to them (T-3) and they expire 45 days after start (T-1).
            Assessment(
                "CAST", "CAST", CAASPP, (), whole_test_pause_rule=True, expiry_days=_CAASPP_45
            ),
            # The CAAs are examiner-paced one-on-one tests; the documents give them no pause rule
            # and no expiry. 003 names the CAA for ELA and science among the tests with DEI
            # entries.
            Assessment("CAA_ELA", "CAA for ELA", CAASPP, (), online_dei_whole_test=True),
            Assessment("CAA_MATH", "CAA for Mathematics", CAASPP, ()),
            Assessment("CAA_SCIENCE", "CAA for Science", CAASPP, (), online_dei_whole_test=True),
            # CSA: like the CAST above, a wholly non-PT test.
            Assessment(
                "CSA", "CSA", CAASPP, (), whole_test_pause_rule=True, expiry_days=_CAASPP_45
            ),
            Assessment(
                "SUMMATIVE_ELPAC",
                "Summative ELPAC",
                ELPAC,
                ELPAC_DOMAINS,
                pause_rule_parts=(READING, LISTENING),
                expiry_days=MappingProxyType(dict.fromkeys(ELPAC_DOMAINS, 20)),
                online_dei_parts=(SPEAKING,),
            ),
            Assessment(
                "INITIAL_ELPAC",
                "Initial ELPAC",
                ELPAC,
                ELPAC_DOMAINS,
                pause_rule_parts=(READING, LISTENING),
                expiry_days=MappingProxyType(dict.fromkeys(ELPAC_DOMAINS, 20)),
                online_dei_parts=(SPEAKING,),
            ),
        )
    }
)

TEST_CODES: Final = tuple(ASSESSMENTS)
TESTS_BY_PROGRAM: Final = MappingProxyType(
    {p: tuple(a.code for a in ASSESSMENTS.values() if a.program == p) for p in PROGRAMS}
)
