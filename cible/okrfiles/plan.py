"""What applying an OKR file to a live organisation would change, like a Terraform plan.

The live organisation is read as its own export (`export.build`, read back through the
schema), so that both sides are compared as the same typed values. Things are matched by
their name in the file: people by e-mail, teams and cycles by name, objectives and key
results by `ref` (a key result without one by its title within its objective).

What a plan manages: the organisation's settings; people's membership and role; teams;
cycles (created, and their state); objectives and key results (created, changed,
archived, restored), their targets, owners and alignment. What it leaves as it is: the
values and check-ins (they come from the check-ins), scores and retrospectives,
dependencies and reviews, people or teams missing from the file. A difference it cannot
apply (a cycle's dates, an objective moved to another cycle) is a note, not a change.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cible.audit.services import as_text
from cible.kpis import rules as kpi_rules
from cible.okrs.services import KR_FIELDS
from cible.orgs.models import Organization

from . import export
from .schema import FORMER, ORG_FIELDS, Document, Entry, read

CREATE, CHANGE, ARCHIVE, RESTORE = "create", "change", "archive", "restore"

KINDS = {
    "organization": gettext_lazy("organisation"),
    "person": gettext_lazy("person"),
    "team": gettext_lazy("team"),
    "cycle": gettext_lazy("cycle"),
    "objective": gettext_lazy("objective"),
    "key_result": gettext_lazy("key result"),
    "kpi": gettext_lazy("KPI"),
}
KPI_PLAN_FIELDS = (
    "team",
    "description",
    "unit",
    "direction",
    *kpi_rules.BOUNDS,
    "rhythm",
    "owner",
    "archived",
)
# A key result's fields a plan compares: its own, and the KPIs that guard it.
KR_PLAN_FIELDS = (*KR_FIELDS, "guardrails")

MANAGED_ORG_FIELDS = tuple(name for name in ORG_FIELDS if name != "slug")
OBJECTIVE_FIELDS = (
    "title",
    "description",
    "level",
    "team",
    "owner",
    "origin",
    "visibility",
    "state",
    "parents",
)
TEAM_FIELDS = ("parent", "lead", "members", "chat_format", "chat_webhook_url")
# Differences a plan notes but does not apply.
OBJECTIVE_NOTED = ("cycle", "carried_from")
CYCLE_NOTED = ("kind", "start", "end", "parent")


class PlanRefused(Exception):
    """The file cannot be planned or applied (its problems, a stale plan...)."""

    def __init__(self, message: str, problems: Iterable[Any] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class StalePlan(PlanRefused):
    """The organisation changed since the plan was made."""


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass
class Change:
    action: str  # CREATE, CHANGE, ARCHIVE, RESTORE
    kind: str  # a key of KINDS
    name: str  # its name in the file
    fields: list[FieldChange] = field(default_factory=list)
    entry: Entry | None = None  # the file's, none for an archive
    live: int | None = None  # the live row's id
    objective: str = ""  # a key result's objective (ref)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "fields": [vars(f) for f in self.fields],
        }


@dataclass(frozen=True)
class Note:
    kind: str
    name: str
    field: str
    line: int


@dataclass
class Plan:
    organization: str
    fingerprint: str
    changes: list[Change] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    # The live rows behind the file's names, for apply: objectives by ref, key results by
    # id() of the file's entry.
    objective_ids: dict[str, int] = field(default_factory=dict)
    kr_ids: dict[int, int] = field(default_factory=dict)

    def of(self, kind: str, action: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and c.action == action]

    def counts(self) -> dict[str, int]:
        return {
            action: sum(c.action == action for c in self.changes)
            for action in (CREATE, CHANGE, ARCHIVE, RESTORE)
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "cible-plan",
            "version": 1,
            "organization": self.organization,
            "fingerprint": self.fingerprint,
            "changes": [c.as_dict() for c in self.changes],
            "notes": [vars(n) for n in self.notes],
        }


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(document: dict[str, Any]) -> str:
    """A hash of what a plan manages in an exported document: a check-in, a score or a
    review recorded since the plan was made does not make it stale."""
    managed = {k: v for k, v in document.items() if k not in ("dependencies", "reviews")}
    objectives = []
    for objective in document.get("objectives", []):
        objective = {k: v for k, v in objective.items() if k not in ("score", "retrospective")}
        objective["key_results"] = [
            {
                k: v
                for k, v in kr.items()
                if k not in ("check_ins", "current", "confidence", "score", "score_note")
            }
            for kr in objective.get("key_results", [])
        ]
        objectives.append(objective)
    managed["objectives"] = objectives
    text = json.dumps(managed, sort_keys=True, default=export._json_value)
    return digest(text)


@dataclass
class Live:
    """The organisation as its export, with the ids behind the file's names."""

    document: Document
    fingerprint: str
    objectives: dict[str, int]  # by ref
    key_results: dict[str, int]  # by ref


def read_live(org: Organization) -> Live:
    # As stored: an instance just created holds its defaults as enum members.
    org = Organization.objects.get(pk=org.pk)
    exported = export.build(org, secrets=True)
    live, problems = read(export.to_yaml(exported))
    if live is None or problems:
        raise PlanRefused(
            _("The organisation's own export does not read back: %(problem)s")
            % {"problem": problems[0].message if problems else ""}
        )
    objectives = export._objectives(org, None)
    refs, kr_refs = export.name(org, objectives)
    return Live(
        document=live,
        fingerprint=fingerprint(exported),
        objectives={ref: pk for pk, ref in refs.of.items()},
        key_results={ref: pk for pk, ref in kr_refs.items()},
    )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(sorted(item[0] if isinstance(item, tuple) else item for item in value))
    return as_text(value)


def _diff(want: dict[str, Any], have: dict[str, Any], names: Iterable[str]) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = _text(have.get(name)), _text(want.get(name))
        if before != after:
            changes.append(FieldChange(name, before, after))
    return changes


def _kr_values(objective: Entry, kr: Entry) -> dict[str, Any]:
    return {**kr.values, "owner": kr["owner"] or objective["owner"]}


def _team_values(team: Entry, given: bool) -> dict[str, Any]:
    values = dict(team.values)
    # The lead joins the team: a file may list them as its lead only.
    members = {email for email, _where in team["members"]}
    values["members"] = sorted(members | {team["lead"]} - {""})
    if not given:
        values.pop("chat_webhook_url")
    return values


class _Planner:
    def __init__(self, org: Organization, want: Document, live: Live) -> None:
        self.org, self.want, self.live = org, want, live
        self.plan = Plan(org.slug, live.fingerprint, objective_ids=live.objectives)

    def add(self, change: Change) -> None:
        self.plan.changes.append(change)

    def note(self, kind: str, name: str, field_name: str, entry: Entry) -> None:
        self.plan.notes.append(Note(kind, name, field_name, entry.line_of(field_name)))

    def run(self) -> Plan:
        self.organization()
        self.people()
        self.teams()
        self.kpis()
        self.cycles()
        self.objectives()
        return self.plan

    def organization(self) -> None:
        want, have = self.want.organization, self.live.document.organization
        fields = _diff(want.values, have.values, MANAGED_ORG_FIELDS)
        if fields:
            self.add(Change(CHANGE, "organization", self.org.slug, fields, want, self.org.pk))

    def people(self) -> None:
        have = {p["email"]: p for p in self.live.document.people if p["role"] != FORMER}
        for person in self.want.people:
            if person["role"] == FORMER:
                continue
            live = have.get(person["email"])
            if live is None:
                fields = [FieldChange("role", "", person["role"])]
                self.add(Change(CREATE, "person", person["email"], fields, person))
            elif live["role"] != person["role"]:
                fields = [FieldChange("role", live["role"], person["role"])]
                self.add(Change(CHANGE, "person", person["email"], fields, person))

    def teams(self) -> None:
        have = {t["name"]: t for t in self.live.document.teams}
        for team in self.want.teams:
            given = "chat_webhook_url" in team.lines
            values = _team_values(team, given)
            live = have.get(team["name"])
            if live is None:
                fields = _diff(values, {}, TEAM_FIELDS)
                self.add(Change(CREATE, "team", team["name"], fields, team))
                continue
            fields = _diff(values, _team_values(live, given), TEAM_FIELDS)
            if fields:
                self.add(Change(CHANGE, "team", team["name"], fields, team))

    def kpis(self) -> None:
        """KPIs by name: created or changed (their values come from their measurements);
        one missing from the file stays as it is."""
        have = {k["name"]: k for k in self.live.document.kpis}
        for kpi in self.want.kpis:
            live = have.get(kpi["name"])
            fields = _diff(kpi.values, live.values if live else {}, KPI_PLAN_FIELDS)
            if live is None:
                self.add(Change(CREATE, "kpi", kpi["name"], fields, kpi))
            elif fields:
                self.add(Change(CHANGE, "kpi", kpi["name"], fields, kpi))

    def cycles(self) -> None:
        have = {c["name"]: c for c in self.live.document.cycles}
        for cycle in self.want.cycles:
            live = have.get(cycle["name"])
            if live is None:
                fields = _diff(cycle.values, {}, ("kind", "start", "end", "parent", "state"))
                self.add(Change(CREATE, "cycle", cycle["name"], fields, cycle))
                continue
            for name in CYCLE_NOTED:
                if _text(cycle[name]) != _text(live[name]):
                    self.note("cycle", cycle["name"], name, cycle)
            fields = _diff(cycle.values, live.values, ("state",))
            if fields:
                self.add(Change(CHANGE, "cycle", cycle["name"], fields, cycle))

    def objectives(self) -> None:
        have = {o["ref"]: o for o in self.live.document.objectives}
        live_krs = {kr["ref"]: (o, kr) for o, kr in self.live.document.key_results()}
        matched_krs: set[str] = set()
        for objective in self.want.objectives:
            ref = objective["ref"]
            live = have.get(ref)
            if live is None:
                fields = _diff(objective.values, {}, OBJECTIVE_FIELDS)
                self.add(Change(CREATE, "objective", ref, fields, objective))
                if objective["archived_at"] is not None:
                    self.add(Change(ARCHIVE, "objective", ref, entry=objective))
            else:
                self.changed_objective(objective, live)
            for kr in objective.children:
                self.key_result(objective, kr, live, live_krs, matched_krs)
        wanted = {o["ref"] for o in self.want.objectives}
        for ref, live in have.items():
            if ref not in wanted and live["archived_at"] is None:
                self.add(Change(ARCHIVE, "objective", ref, live=self.live.objectives[ref]))
        for ref, (live_objective, kr) in live_krs.items():
            objective_kept = live_objective["ref"] in wanted
            if ref not in matched_krs and objective_kept and kr["archived_at"] is None:
                self.add(
                    Change(
                        ARCHIVE,
                        "key_result",
                        ref,
                        live=self.live.key_results[ref],
                        objective=live_objective["ref"],
                    )
                )

    def changed_objective(self, objective: Entry, live: Entry) -> None:
        ref = objective["ref"]
        pk = self.live.objectives[ref]
        for name in OBJECTIVE_NOTED:
            if _text(objective[name]) != _text(live[name]):
                self.note("objective", ref, name, objective)
        fields = _diff(objective.values, live.values, OBJECTIVE_FIELDS)
        if fields:
            self.add(Change(CHANGE, "objective", ref, fields, objective, pk))
        self.archiving("objective", ref, objective, live, pk)

    def archiving(
        self, kind: str, ref: str, want: Entry, live: Entry, pk: int, of: str = ""
    ) -> None:
        if want["archived_at"] is not None and live["archived_at"] is None:
            self.add(Change(ARCHIVE, kind, ref, entry=want, live=pk, objective=of))
        elif want["archived_at"] is None and live["archived_at"] is not None:
            self.add(Change(RESTORE, kind, ref, entry=want, live=pk, objective=of))

    def key_result(
        self,
        objective: Entry,
        kr: Entry,
        live_objective: Entry | None,
        live_krs: dict[str, tuple[Entry, Entry]],
        matched: set[str],
    ) -> None:
        ref = kr["ref"]
        if not ref and live_objective is not None:
            # No ref: the live key result of the same title in the same objective.
            same = [
                k["ref"]
                for k in live_objective.children
                if k["title"] == kr["title"] and k["ref"] not in matched
            ]
            ref = same[0] if same else ""
        name = ref or f"{objective['ref']}: {kr['title']}"
        found = live_krs.get(ref) if ref else None
        values = _kr_values(objective, kr)
        if found is None:
            fields = _diff(values, {}, KR_PLAN_FIELDS)
            self.add(Change(CREATE, "key_result", name, fields, kr, objective=objective["ref"]))
            if kr["archived_at"] is not None:
                self.add(Change(ARCHIVE, "key_result", name, entry=kr, objective=objective["ref"]))
            return
        matched.add(ref)
        live_parent, live = found
        pk = self.live.key_results[ref]
        self.plan.kr_ids[id(kr)] = pk
        if live_parent["ref"] != objective["ref"]:
            self.note("key_result", name, "objective", kr)
        fields = _diff(values, _kr_values(live_parent, live), KR_PLAN_FIELDS)
        if fields:
            self.add(Change(CHANGE, "key_result", name, fields, kr, pk, objective=objective["ref"]))
        self.archiving("key_result", name, kr, live, pk, objective["ref"])


def make_plan(org: Organization, document: Document) -> Plan:
    return _Planner(org, document, read_live(org)).run()


def read_file(text: str) -> Document:
    """The file's document, or PlanRefused with every problem (each with its line): the
    same reading and checks as `import`."""
    document, problems = read(text)
    if problems or document is None:
        count = len(problems)
        raise PlanRefused(
            ngettext(
                "%(count)d problem in the file: nothing was changed.",
                "%(count)d problems in the file: nothing was changed.",
                count,
            )
            % {"count": count},
            problems,
        )
    return document


# Showing a plan ----------------------------------------------------------------------------


def describe(plan: Plan) -> list[str]:
    """The plan as lines for a terminal or a CI log, in the active language."""
    lines = []
    headings = {
        CREATE: _("+ %(kind)s “%(name)s”: created"),
        CHANGE: _("~ %(kind)s “%(name)s”: changed"),
        ARCHIVE: _("- %(kind)s “%(name)s”: archived"),
        RESTORE: _("+ %(kind)s “%(name)s”: restored"),
    }
    for change in plan.changes:
        lines.append(headings[change.action] % {"kind": KINDS[change.kind], "name": change.name})
        for item in change.fields:
            if change.action == CREATE:
                lines.append(f"    {item.name}: {item.after}")
            else:
                lines.append(f"    {item.name}: {item.before or '-'} -> {item.after or '-'}")
    for note in plan.notes:
        lines.append(
            _(
                "! %(kind)s “%(name)s”: “%(field)s” differs, and apply does not change it "
                "(line %(line)d)."
            )
            % {"kind": KINDS[note.kind], "name": note.name, "field": note.field, "line": note.line}
        )
    counts = plan.counts()
    lines.append(
        _(
            "Plan: %(create)d to create, %(change)d to change, %(archive)d to archive, "
            "%(restore)d to restore."
        )
        % counts
    )
    return lines
