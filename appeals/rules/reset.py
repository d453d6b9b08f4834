"""Reset family: A-RESET-1 to A-RESET-10, with A-REOPEN-2 and A-REOPEN-3 where the same
incident leads to a Re-open (a summative given instead of a practice test; a Data Entry Issue
on selected entries)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Final

from appeals.rules.catalog import (
    RESET_CAASPP_LIMIT,
    RESET_ELPAC_LIMIT,
    AssessmentFacts,
    RulesCatalog,
)
from appeals.rules.decision import (
    Decision,
    Rule,
    completed,
    count_completed,
    file_appeal,
    grade_name,
    no_appeal,
    no_limit,
    place,
    reset_needs,
    were,
)
from appeals.rules.situation import Situation
from stairs.vocabulary import (
    ALTERNATE_ASSESSMENTS,
    AppealType,
    AssessmentCode,
    Delivery,
    PartCode,
    Program,
    TestStatus,
)


def _elpac_reset_notation(assessment: AssessmentFacts) -> bool:
    # 003, Reset: ELPAC resets carry a domain-level irregularity notation (contracts.md).
    return assessment.program == Program.ELPAC


def _reset(rule: str, reason: str, assessment: AssessmentFacts) -> Decision:
    return file_appeal(AppealType.RESET, rule, reason, notation=_elpac_reset_notation(assessment))


def _elpac_support(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    if situation.part == PartCode.WRITING and situation.grade <= 2:
        # rule A-RESET-2: "all except Writing in kindergarten through grade two".
        why = (
            f"A Reset for an incorrect designated support or accommodation is not available "
            f"for {assessment.label} Writing in {grade_name(situation.grade)} (only grades "
            "3-12), so an irregularity notation is recorded instead"
        )
        if assessment.uses_dei(situation.part, situation.delivery, situation.grade):
            # These Writing scores are keyed in the DEI, whose entry can be reset (A-RESET-10).
            return no_appeal(
                "A-RESET-2",
                why,
                advice="if the Writing scores must be entered again, file a Data Entry Issue "
                "case for this domain",
                next_step=_DEI_ALL,
                notation=True,
            )
        return no_appeal(
            "A-RESET-2",
            why,
            advice="nothing more can be filed for this domain, and the notation keeps the incident "
            "on the student's record",
            notation=True,
        )
    limit = catalog.limit(RESET_ELPAC_LIMIT, situation.test, situation.part)
    if limit is None:
        return no_limit(RESET_ELPAC_LIMIT, where)
    count = situation.questions_completed
    if count <= limit:
        # rule A-RESET-2
        return _reset(
            "A-RESET-2",
            f"On {where}, {count_completed(count)}, within the {limit} a Reset allows, so it is "
            "reset and an irregularity notation is recorded at domain level.",
            assessment,
        )
    # rule A-RESET-2: over the limit the incident is nonappealable (003).
    return no_appeal(
        "A-RESET-2",
        f"Reset is allowed for {where} only if no more than {completed(limit)}; "
        f"{were(count)}, so the incident cannot be appealed and an irregularity notation is "
        "recorded",
        advice="nothing more can be filed, and the notation keeps the incident on the "
        "student's record",
        notation=True,
    )


def _resource_setting(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    if assessment.program == Program.ELPAC:
        return _elpac_support(situation, assessment, catalog)  # rule A-RESET-2
    # rule A-RESET-1
    return _reset(
        "A-RESET-1",
        f"An incorrectly set designated support or accommodation calls for a Reset of the "
        f"{place(situation, assessment)} so the student can test again with the right settings.",
        assessment,
    )


def _language_support(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    if situation.iep_or_504:
        # rule A-RESET-1: A-RESET-8 is for students without a plan; with one it is A-RESET-1.
        return _reset(
            "A-RESET-1",
            f"A translation or streamlined-interface support set incorrectly for a student with "
            f"an IEP or Section 504 plan calls for a Reset of the {where}.",
            assessment,
        )
    # rule A-RESET-8
    return _reset(
        "A-RESET-8",
        f"An incorrect translation or streamlined-interface designated support for a student "
        f"without an IEP or Section 504 plan calls for a Reset of the {where}.",
        assessment,
    )


def _domain_exemption(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    """rule A-RESET-3, whether filed as DOMAIN_EXEMPTION or, for the ELPAC, as the general
    assessment given instead of the alternate (INCORRECT_ASSESSMENT): one student, one answer."""
    if situation.delivery != Delivery.ONLINE:
        # rule A-RESET-3: online ELPAC only (DOMAIN_EXEMPTION is offered online only).
        return no_appeal(
            "A-RESET-3",
            f"A Reset for a missed domain exemption or alternate assessment is only for online "
            f"tests, and the {place(situation, assessment)} was given on paper",
            advice=_NOTHING_MORE,
        )
    if situation.part == PartCode.WRITING and situation.grade <= 2:
        # rule A-RESET-3: "all grades except kindergarten through grade two" for Writing.
        return no_appeal(
            "A-RESET-3",
            f"A Reset for a missed domain exemption or alternate assessment is not available for "
            f"{assessment.label} Writing in {grade_name(situation.grade)} (only grades 3-12)",
            advice=_NOTHING_MORE,
        )
    if not situation.iep_or_504:
        # rule A-RESET-3: only an IEP or Section 504 plan prescribes an exemption or alternate.
        return no_appeal(
            "A-RESET-3",
            "Only an IEP or Section 504 plan prescribes a domain exemption or alternate "
            "assessment, and this student has neither on record, so no Reset is filed",
            advice="if the student has such a plan, record it for the student and file the "
            "case again",
            next_step={"iep_or_504": True},
        )
    return _reset(
        "A-RESET-3",
        f"The student did not receive the domain exemption or alternate assessment the IEP or "
        f"Section 504 plan prescribes, so the {place(situation, assessment)} is reset.",
        assessment,
    )


def _speaking_not_scored(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule A-RESET-4: under any incident but Data Entry Issue, both TDS and DEI are reset.
    return _reset(
        "A-RESET-4",
        f"Speaking not scored in real time calls for a Reset of both the TDS and the DEI events "
        f"of the {place(situation, assessment)}.",
        assessment,
    )


def _incorrect_ssid(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule A-RESET-7
    return _reset(
        "A-RESET-7",
        f"A test taken under an incorrect SSID is reset, whether or not it was completed: the "
        f"{place(situation, assessment)} is removed from the TDS and any DEI entries are "
        "removed too.",
        assessment,
    )


def _audio_not_heard(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    # rule A-RESET-6
    return _reset(
        "A-RESET-6",
        f"Audio that could not be heard or replayed because of a technical issue calls for a "
        f"Reset of the {place(situation, assessment)}.",
        assessment,
    )


_NOTHING_MORE: Final = "nothing can be filed for it, and the case keeps the incident on record"
# A Data Entry Issue case asking for every entry again (A-RESET-10), as advice's next step.
_DEI_ALL: Final[dict[str, Any]] = {"incident": "DATA_ENTRY_ISSUE", "answers": {"entries": "ALL"}}
# The general test a CAA student was given by mistake is filed under (A-RESET-5).
_GENERAL_TESTS: Final = MappingProxyType(
    {
        AssessmentCode.CAA_ELA: (AssessmentCode.SB_ELA.value, PartCode.NON_PT.value),
        AssessmentCode.CAA_MATH: (AssessmentCode.SB_MATH.value, PartCode.NON_PT.value),
        AssessmentCode.CAA_SCIENCE: (AssessmentCode.CAST.value, None),
    }
)

_MISTAKES: Final = MappingProxyType(
    {
        "WRONG_GRADE": "An assessment for the wrong grade level",
        "GENERAL_INSTEAD_OF_ALTERNATE": "The general assessment given instead of the alternate",
        "WRONG_SPED_DESIGNATION": "An incorrect special education for testing designation",
    }
)


def _incorrect_assessment(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    what = str(situation.answers["what"])
    if what == "SUMMATIVE_INSTEAD_OF_PRACTICE":
        return _summative_instead_of_practice(situation, assessment, catalog)
    if what == "GENERAL_INSTEAD_OF_ALTERNATE" and assessment.program == Program.ELPAC:
        # "General instead of alternate" is a CAASPP condition (003 Reset 10); for the ELPAC the
        # same facts are a missed alternate assessment under A-RESET-3 (issue 7, B11).
        return _domain_exemption(situation, assessment, catalog)
    if what == "GENERAL_INSTEAD_OF_ALTERNATE" and situation.test in ALTERNATE_ASSESSMENTS:
        # rule A-RESET-5: the CAA *is* the alternate; the reset belongs on the general test.
        general, part = _GENERAL_TESTS[situation.test]
        label = catalog.assessments[general].label if general in catalog.assessments else general
        return no_appeal(
            "A-RESET-5",
            f"The {assessment.label} is itself the alternate assessment, so 'general instead of "
            "alternate' cannot describe it",
            advice=f"file the case for the general test the student was given instead ({label})",
            next_step={"test": general, "part": part},
        )
    # rule A-RESET-5
    return _reset(
        "A-RESET-5",
        f"{_MISTAKES[what]} calls for a Reset of the {place(situation, assessment)}, and of "
        "every other assessment the student started or completed.",
        assessment,
    )


def _summative_instead_of_practice(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    if assessment.program == Program.ELPAC:
        # rule A-RESET-9 and A-REOPEN-2 are about the CAASPP interim and practice tests only.
        return no_appeal(
            "A-RESET-9",
            "The Reset and Re-open for a summative given instead of a practice test cover the "
            "CAASPP only, so an ELPAC summative given by mistake stands",
            advice="file it as an administration error instead, which records it without an appeal",
        )
    limit = catalog.limit(RESET_CAASPP_LIMIT, situation.test, situation.part)
    if limit is None:
        return no_limit(RESET_CAASPP_LIMIT, where)
    count = situation.questions_completed
    if situation.answers.get("nonallowable_materials") is True and (
        situation.test != AssessmentCode.CAST
    ):
        # rule A-RESET-9, 003 Reset 11 first bullet: the summative instead of the interim *and*
        # nonallowable materials, devices or accommodation: a Reset with no question limit. The
        # CAST keeps its fewer-than-10 limit (003 Reset 14), checked below.
        return file_appeal(
            AppealType.RESET,
            "A-RESET-9",
            f"The {where} was given instead of an interim or practice test and with nonallowable "
            "materials, devices or accommodations, so it can be reset whatever the number of "
            "questions completed.",
        )
    if count < limit:
        # rule A-RESET-9
        return file_appeal(
            AppealType.RESET,
            "A-RESET-9",
            f"The {where} was given instead of an interim or practice test and "
            f"{count_completed(count)}; a Reset needs {reset_needs(limit)}, so it can be reset.",
        )
    too_many = (
        f"The {where} was given instead of an interim or practice test and "
        f"{count_completed(count)}, too many for a Reset, which needs {reset_needs(limit)}"
    )
    status = situation.test_status
    if status == TestStatus.EXPIRED:
        # rule A-REOPEN-2
        return file_appeal(
            AppealType.REOPEN,
            "A-REOPEN-2",
            f"{too_many}; it has expired, so CalTAC can re-open it when the student is ready.",
        )
    if status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED):
        # rule A-REOPEN-2: the Re-open waits for the expiry of the unfinished test.
        return no_appeal(
            "A-REOPEN-2",
            f"{too_many}, and a Re-open needs the test to have expired",
            advice="file the case again once the test has expired, and CalTAC can re-open it "
            "when the student is ready",
            next_step={"test_status": TestStatus.EXPIRED.value},
        )
    if status != TestStatus.SUBMITTED:
        # Reset or invalidated already (or not started, with a count that cannot be).
        return no_appeal("A-REOPEN-2", too_many, advice=_NOTHING_MORE)
    never = f"{too_many}, and a submitted test never expires, so no Re-open can follow"
    if situation.answers.get("nonallowable_materials") is False and (
        situation.test != AssessmentCode.CAST
    ):
        return no_appeal(
            "A-REOPEN-2",
            never,
            advice="if nonallowable materials, devices or accommodations were also given, "
            "answer yes to that question: the test can then be reset whatever the count",
            next_step={"answers": {**situation.answers, "nonallowable_materials": True}},
        )
    return no_appeal("A-REOPEN-2", never, advice=_NOTHING_MORE)


def _data_entry_issue(
    situation: Situation, assessment: AssessmentFacts, catalog: RulesCatalog
) -> Decision:
    where = place(situation, assessment)
    if not assessment.uses_dei(situation.part, situation.delivery, situation.grade):
        # No DEI event exists for this online test; nothing can be re-entered (003, Reset).
        return no_appeal(
            "A-RESET-10",
            f"The online {where} has no DEI entries, so a Data Entry Issue does not lead to an "
            "appeal",
            advice="file the problem with the online test under the incident that describes it",
        )
    entries = situation.answers["entries"]
    if entries == "SELECTED":
        # rule A-REOPEN-3
        return file_appeal(
            AppealType.REOPEN,
            "A-REOPEN-3",
            f"Only selected responses or scores of the {where} must be re-entered, so CalTAC "
            "re-opens its DEI entry.",
        )
    why = "all responses or scores must be re-entered"
    if entries == "NOT_COMPLETABLE":
        why = "the entry was started but cannot be completed"
    if situation.test == AssessmentCode.SUMMATIVE_ELPAC and situation.part == PartCode.SPEAKING:
        # rule A-RESET-4: under Data Entry Issue only the DEI event is reset.
        return _reset(
            "A-RESET-4",
            f"Under a Data Entry Issue only the DEI event of the {where} is reset, because {why}.",
            assessment,
        )
    # rule A-RESET-10
    return _reset(
        "A-RESET-10",
        f"The DEI event of the {where} is reset, and only that event, because {why}.",
        assessment,
    )


RULES: Final[MappingProxyType[str, Rule]] = MappingProxyType(
    {
        "INCORRECT_ASSESSMENT": _incorrect_assessment,
        "RESOURCE_SETTING": _resource_setting,
        "DESIGNATED_SUPPORT_ELPAC": _elpac_support,
        "LANGUAGE_SUPPORT_CAASPP": _language_support,
        "DOMAIN_EXEMPTION": _domain_exemption,
        "SPEAKING_NOT_SCORED": _speaking_not_scored,
        "INCORRECT_SSID": _incorrect_ssid,
        "AUDIO_NOT_HEARD": _audio_not_heard,
        "DATA_ENTRY_ISSUE": _data_entry_issue,
    }
)
