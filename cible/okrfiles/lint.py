"""The quality coach over an OKR file, as a linter: each finding with its line.

The coach only advises (`cible/lib/coach.py`); a key result that cannot be measured is
reported as an error, since its progress means nothing. The siblings the coach counts
(how many objectives one team or person holds in a cycle) are counted in the file.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from cible.lib import coach
from cible.okrs.models import Level

from .schema import Document, Entry
from .source import Problem

ERROR_RULES = frozenset({coach.KR_NOT_MEASURABLE})


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    problem: Problem


def _holder(objective: Entry) -> tuple[str, str, str]:
    """Whose objective it is, for counting the objectives of one team or person."""
    level = objective["level"] or ""
    if level == Level.TEAM:
        return objective["cycle"], level, objective["team"]
    if level == Level.PERSON:
        return objective["cycle"], level, objective["owner"]
    return objective["cycle"], level, ""


def findings(document: Document, language: str) -> Iterator[Finding]:
    live = [o for o in document.objectives if o["archived_at"] is None]
    holders = Counter(_holder(o) for o in live)
    for objective in live:
        krs = [kr for kr in objective.children if kr["archived_at"] is None]
        draft = coach.ObjectiveDraft(
            title=objective["title"],
            level=objective["level"] or "",
            key_results=[
                coach.KRDraft(
                    kr["title"],
                    kr["kind"] or "",
                    kr["start"],
                    kr["target"],
                    kr["target_max"],
                    unit=kr["unit"],
                    guardrails=len(kr["guardrails"]),
                )
                for kr in krs
            ],
            has_parent=bool(objective["parents"]),
            origin=objective["origin"] or "",
            siblings_in_cycle=holders[_holder(objective)] - 1,
        )
        for advice in coach.review(draft, language):
            entry = objective if advice.key_result is None else krs[advice.key_result]
            line = entry.line_of(advice.field) if advice.field else entry.line
            level = "error" if advice.rule in ERROR_RULES else "warning"
            yield Finding(level, Problem(line, advice.message))
