"""Facts for generated data (the demo and the benchmark generator), pure so that both can use
them: how many questions a part or domain has, for realistic counts of questions completed."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from stairs.vocabulary import PartCode

# Questions in a whole part or domain; "" is a test taken as a whole (CAST, the CAAs, CSA).
QUESTIONS_PER_PART: Final = MappingProxyType(
    {
        PartCode.NON_PT: 40,
        PartCode.PT: 6,
        "": 45,
        PartCode.LISTENING: 20,
        PartCode.SPEAKING: 10,
        PartCode.READING: 24,
    }
)
QUESTIONS_OTHERWISE: Final = 8  # Writing
