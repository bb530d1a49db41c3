"""Applying an OKR file to a live organisation: the plan's changes, in one transaction,
through the services the web pages use (their checks, each objective's history and the
audit trail), and one more audit entry that lists the whole change set.

Nothing is deleted: an objective or key result missing from the file is archived, and
check-ins, values and scores are never touched. Applying the same file twice changes
nothing the second time.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.kpis.guardrails import set_guardrails
from cible.kpis.models import KPI
from cible.okrs import services
from cible.okrs.models import Cycle, CycleState, KeyResult, Objective
from cible.orgs.models import Membership, Organization, Role, Team, Weekday
from cible.orgs.services import (
    add_team_member,
    change_role,
    remove_team_member,
    save_organization,
    save_team,
)

from .importer import KPI_VALUES
from .models import remember_key_result, remember_objective
from .plan import (
    ARCHIVE,
    CHANGE,
    CREATE,
    RESTORE,
    Change,
    Plan,
    PlanRefused,
    StalePlan,
    describe,
    make_plan,
)
from .schema import Document, Entry

PLAN_TEXT_LIMIT = 20_000


def _parents_first(entries: list[Entry], key: str) -> list[Entry]:
    """New teams or cycles, each after its parent when that one is new too (the schema
    refuses loops)."""
    pending = {entry[key]: entry for entry in entries}
    ordered: list[Entry] = []
    while pending:
        ready = [e for e in pending.values() if e["parent"] not in pending] or list(
            pending.values()
        )
        ordered.extend(ready)
        for entry in ready:
            del pending[entry[key]]
    return ordered


class _Apply:
    def __init__(self, org: Organization, document: Document, plan: Plan, actor: User | None):
        self.org, self.document, self.plan, self.actor = org, document, plan, actor
        emails = [p["email"] for p in document.people]
        self.users = {u.email: u for u in User.objects.filter(email__in=emails)}
        self.teams = {t.name: t for t in Team.objects.filter(organization=org)}
        self.cycles = {c.name: c for c in Cycle.objects.filter(organization=org)}
        self.objectives: dict[str, Objective] = {}
        self.key_results: dict[int, KeyResult] = {}  # by id() of the file's entry
        self.kpis = {k.name: k for k in KPI.objects.filter(organization=org)}

    def run(self) -> None:
        for change in self.plan.of("organization", CHANGE):
            self.organization(change)
        self.people()
        self.add_teams()
        for change in self.plan.of("team", CHANGE):
            self.team(change)
        self.kpis_in_file()
        self.add_cycles()
        self.objectives_in_file()
        self.key_results_in_file()
        self.archiving()
        self.cycle_states()
        self.remember_refs()

    # The organisation and its people -------------------------------------------------------

    def organization(self, change: Change) -> None:
        assert change.entry is not None
        values = dict(change.entry.values)
        values["checkin_weekday"] = Weekday[values["checkin_weekday"].upper()].value
        for item in change.fields:
            setattr(self.org, item.name, values[item.name])
        save_organization(self.org, self.actor)  # type: ignore[arg-type]

    def people(self) -> None:
        # The operator (or the API's admin) changes roles with an owner's rights over the
        # file's people; the services still keep the last owner.
        acting = Membership.objects.filter(organization=self.org, user=self.actor).first()
        acting = acting or Membership(organization=self.org, user=self.actor, role=Role.OWNER)
        for change in self.plan.of("person", CREATE):
            person = change.entry
            assert person is not None
            user = User.objects.filter(email__iexact=person["email"]).first()
            if user is None:
                # No usable password: they choose one with "forgot password".
                user = User.objects.create_user(person["email"], None, name=person["name"])
            membership = Membership.objects.create(
                organization=self.org,
                user=user,
                role=person["role"],
                reminders_muted=person["reminders_muted"],
            )
            after = {"person": user.display_name, "role": membership.role}
            record(self.org, self.actor, membership, Action.JOINED, after=after)
            self.users[person["email"]] = user
        for change in self.plan.of("person", CHANGE):
            assert change.entry is not None
            target = Membership.objects.get(
                organization=self.org, user=self.users[change.entry["email"]]
            )
            change_role(acting, target, change.entry["role"])

    def user(self, email: str) -> User | None:
        return self.users[email] if email else None

    # Teams and cycles ----------------------------------------------------------------------

    def add_teams(self) -> None:
        created = {c.name: c for c in self.plan.of("team", CREATE)}
        entries = [c.entry for c in created.values() if c.entry is not None]
        for entry in _parents_first(entries, "name"):
            team = Team(
                organization=self.org,
                name=entry["name"],
                parent=self.teams.get(entry["parent"]),
                lead=self.user(entry["lead"]),
                chat_format=entry["chat_format"],
                chat_webhook_url=entry["chat_webhook_url"],
            )
            save_team(team, self.actor)
            self.teams[team.name] = team
            for email, _where in entry["members"]:
                add_team_member(team, self.users[email], self.actor)

    def team(self, change: Change) -> None:
        entry = change.entry
        assert entry is not None
        team = self.teams[entry["name"]]
        names = {item.name for item in change.fields}
        if "parent" in names:
            team.parent = self.teams.get(entry["parent"])
        if "lead" in names:
            team.lead = self.user(entry["lead"])
        if "chat_format" in names:
            team.chat_format = entry["chat_format"]
        if "chat_webhook_url" in names:
            team.chat_webhook_url = entry["chat_webhook_url"]
        save_team(team, self.actor)
        if "members" in names or "lead" in names:
            wanted = {email for email, _where in entry["members"]}
            if entry["lead"]:
                wanted.add(entry["lead"])
            current = {m.user.email: m.user for m in team.memberships.select_related("user")}
            for email in sorted(wanted - current.keys()):
                add_team_member(team, self.users[email], self.actor)
            for email in sorted(current.keys() - wanted):
                remove_team_member(team, current[email], self.actor)

    def add_cycles(self) -> None:
        created = [c.entry for c in self.plan.of("cycle", CREATE) if c.entry is not None]
        for entry in _parents_first(created, "name"):
            # A closed cycle takes no OKR: it closes once everything is in.
            state = entry["state"] if entry["state"] != CycleState.CLOSED else CycleState.REVIEW
            self.cycles[entry["name"]] = services.create_cycle(
                self.org,
                self.actor,
                name=entry["name"],
                kind=entry["kind"],
                start=entry["start"],
                end=entry["end"],
                parent=self.cycles.get(entry["parent"]),
                state=state,
            )

    def cycle_states(self) -> None:
        states = list(CycleState.values)
        for entry in self.document.cycles:
            cycle = self.cycles[entry["name"]]
            cycle.refresh_from_db(fields=["state"])
            while cycle.state != entry["state"]:
                step = 1 if states.index(entry["state"]) > states.index(cycle.state) else -1
                services.set_cycle_state(
                    cycle, self.actor, states[states.index(cycle.state) + step]
                )

    # Objectives and key results ------------------------------------------------------------

    def objectives_in_file(self) -> None:
        live = self.plan.objective_ids
        by_pk = Objective.objects.filter(organization=self.org).in_bulk(list(live.values()))
        for ref, pk in live.items():
            self.objectives[ref] = by_pk[pk]
        creates = {c.name: c for c in self.plan.of("objective", CREATE)}
        changes = {c.name: c for c in self.plan.of("objective", CHANGE)}
        for entry in self.document.objectives:
            ref = entry["ref"]
            if ref in creates:
                self.objectives[ref] = services.create_objective(
                    self.org,
                    self.users[entry["owner"]],
                    actor=self.actor,
                    correction=True,
                    cycle=self.cycles[entry["cycle"]],
                    **self._objective_fields(entry),
                )
            elif ref in changes:
                names = {item.name for item in changes[ref].fields} - {"parents"}
                if names:
                    fields = self._objective_fields(entry)
                    fields["owner"] = self.users[entry["owner"]]
                    services.update_objective(
                        self.objectives[ref],
                        self.actor,  # type: ignore[arg-type]
                        correction=True,
                        **{name: fields[name] for name in names},
                    )
        # Aligned once every objective exists: a parent may come further down the file.
        for entry in self.document.objectives:
            ref = entry["ref"]
            change = creates.get(ref) or changes.get(ref)
            if change and any(item.name == "parents" for item in change.fields):
                parents = [self.objectives[p] for p, _where in entry["parents"]]
                services.set_parents(self.objectives[ref], parents, self.actor, correction=True)

    def _objective_fields(self, entry: Entry) -> dict[str, Any]:
        return {
            "title": entry["title"],
            "description": entry["description"],
            "level": entry["level"],
            "team": self.teams.get(entry["team"]),
            "origin": entry["origin"],
            "visibility": entry["visibility"],
            "state": entry["state"],
        }

    # KPIs ------------------------------------------------------------------------------

    def kpis_in_file(self) -> None:
        for change in self.plan.of("kpi", CREATE) + self.plan.of("kpi", CHANGE):
            entry = change.entry
            assert entry is not None
            kpi = self.kpis.get(entry["name"]) or KPI(organization=self.org, created_by=self.actor)
            before = {f.name: f.before for f in change.fields}
            kpi.name = entry["name"]
            kpi.team = self.teams.get(entry["team"])
            kpi.owner = self.user(entry["owner"])
            for name in KPI_VALUES:
                setattr(kpi, name, entry[name])
            kpi.full_clean(exclude=["from_key_result"])
            kpi.save()
            after = {f.name: f.after for f in change.fields}
            if change.action == CREATE:
                record(self.org, self.actor, kpi, Action.CREATED, after=after)
            else:
                record(self.org, self.actor, kpi, Action.UPDATED, before, after)
            self.kpis[kpi.name] = kpi

    def guardrails(self, kr: KeyResult, entry: Entry) -> None:
        wanted = [self.kpis[name] for name, _where in entry["guardrails"]]
        set_guardrails(kr, wanted, self.actor)

    def _kr_fields(self, objective: Entry, entry: Entry) -> dict[str, Any]:
        return {
            "title": entry["title"],
            "kind": entry["kind"],
            "start": entry["start"],
            "target": entry["target"],
            "target_max": entry["target_max"],
            "unit": entry["unit"],
            "weight": entry["weight"],
            "owner": self.users[entry["owner"] or objective["owner"]],
            "due_date": entry["due_date"],
            "driven_by": self.objectives.get(entry["driven_by"]),
        }

    def key_results_in_file(self) -> None:
        creates = {id(c.entry): c for c in self.plan.of("key_result", CREATE)}
        changes = {id(c.entry): c for c in self.plan.of("key_result", CHANGE)}
        matched = self.plan.kr_ids
        live_krs = KeyResult.objects.filter(objective__organization=self.org).in_bulk(
            list(matched.values())
        )
        for objective_entry, entry in self.document.key_results():
            objective = self.objectives[objective_entry["ref"]]
            fields = self._kr_fields(objective_entry, entry)
            if id(entry) in creates:
                owner = fields.pop("owner")
                kr = services.create_key_result(
                    objective,
                    owner,
                    self.actor,
                    correction=True,
                    current=entry["current"],
                    **fields,
                )
                self.key_results[id(entry)] = kr
                if entry["guardrails"]:
                    self.guardrails(kr, entry)
            elif id(entry) in changes:
                kr = live_krs[matched[id(entry)]]
                names = {item.name for item in changes[id(entry)].fields}
                if names - {"guardrails"}:
                    services.update_key_result(
                        kr,
                        self.actor,  # type: ignore[arg-type]
                        correction=True,
                        **{name: fields[name] for name in names - {"guardrails"}},
                    )
                if "guardrails" in names:
                    self.guardrails(kr, entry)
                self.key_results[id(entry)] = kr
            elif id(entry) in matched:
                self.key_results[id(entry)] = live_krs[matched[id(entry)]]

    def archiving(self) -> None:
        for change in self.plan.changes:
            if change.action not in (ARCHIVE, RESTORE):
                continue
            archived = change.action == ARCHIVE
            if change.kind == "objective":
                objective = (
                    Objective.objects.get(pk=change.live, organization=self.org)
                    if change.live is not None
                    else self.objectives[change.name]  # created by this apply
                )
                services.archive_objective(objective, self.actor, archived)  # type: ignore[arg-type]
            elif change.kind == "key_result":
                kr = (
                    KeyResult.objects.get(pk=change.live, objective__organization=self.org)
                    if change.live is not None
                    else self.key_results[id(change.entry)]
                )
                services.archive_key_result(kr, self.actor, archived)  # type: ignore[arg-type]

    def remember_refs(self) -> None:
        """The file's names stay with their objectives and key results, whatever their
        titles become."""
        for entry in self.document.objectives:
            remember_objective(self.objectives[entry["ref"]], entry["ref"])
        for _objective, entry in self.document.key_results():
            kr = self.key_results.get(id(entry))
            if kr is not None and entry["ref"]:
                remember_key_result(kr, entry["ref"], self.org.pk)


def apply_document(
    org: Organization,
    document: Document,
    actor: User | None = None,
    expected: str | None = None,
) -> Plan:
    """Apply the file in one transaction and return the plan applied. `expected`: the
    fingerprint of the plan made earlier; the organisation must not have changed since."""
    try:
        with transaction.atomic():
            Organization.objects.select_for_update().get(pk=org.pk)
            plan = make_plan(org, document)
            if expected is not None and plan.fingerprint != expected:
                raise StalePlan(
                    _(
                        "The organisation “%(slug)s” changed since the plan was made: "
                        "make a new plan and check it."
                    )
                    % {"slug": org.slug}
                )
            if not plan.changes:
                return plan
            _Apply(org, document, plan, actor).run()
            text = "\n".join(describe(plan))[:PLAN_TEXT_LIMIT]
            record(
                org,
                actor,
                org,
                Action.UPDATED,
                after={"okr_file": text},
                label=_("OKR file applied"),
            )
    except ValidationError as error:
        raise PlanRefused(" ".join(error.messages)) from error
    except DatabaseError as error:
        raise PlanRefused(
            _("The database refused the change: %(error)s") % {"error": error}
        ) from error
    return plan
