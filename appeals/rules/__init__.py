"""The appeal rules (domain.md sections A and C), pure, by appeal family.

The entry points live in their modules and are importable from here: `parse_situation` and
`SituationError` (situation.py), `decide` (router.py), `RulesCatalog` (catalog.py).
"""

from appeals.rules.catalog import RulesCatalog
from appeals.rules.router import decide
from appeals.rules.situation import SituationError, parse_situation

__all__ = ["RulesCatalog", "SituationError", "decide", "parse_situation"]
