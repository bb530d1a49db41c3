"""Storing a validated OKR file into an empty organisation, all of it or nothing.

Everything goes through the services the web app uses, so the history of each objective
and the audit trail tell what was imported, in the order a person would have done it:
people, teams, cycles, objectives and their alignment, key results and their check-ins,
scores and retrospectives, dependencies, reviews; then what closes things (cancelled and
archived key results and objectives, closed cycles), since the services refuse to change
anything after that. The moments the file gives (a check-in's time, when a key result was
cancelled or archived) replace the services' "now".
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record, snapshot
from cible.checkins.reviews import adjust_key_result, create_review, save_retrospective
from cible.checkins.scoring import record_given_score
from cible.checkins.services import record_check_in
from cible.kpis.guardrails import set_guardrails
from cible.kpis.models import KPI
from cible.okrs.models import Cycle, CycleState, KeyResult, Objective
from cible.okrs.services import (
    archive_key_result,
    archive_objective,
    create_cycle,
    create_dependency,
    create_initiative,
    create_key_result,
    create_objective,
    set_co_owners,
    set_parents,
)
from cible.orgs.models import Membership, Organization, Team, Weekday
from cible.orgs.services import ORGANIZATION_FIELDS, add_team_member, save_team

from .models import remember_key_result, remember_objective
from .schema import FORMER, RETRO, Document, Entry

# The KPI fields a file gives as they are.
KPI_VALUES = (
    "name",
    "description",
    "unit",
    "direction",
    "critical_low",
    "healthy_low",
    "healthy_high",
    "critical_high",
    "rhythm",
    "archived",
)


class ImportRefused(Exception):
    """The organisation cannot take the file (it is not empty, its slug is taken...)."""


@dataclass
class Counts:
    people: int = 0
    teams: int = 0
    cycles: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    initiatives: int = 0
    dependencies: int = 0
    reviews: int = 0
    kpis: int = 0


def _settings(document: Document) -> dict[str, Any]:
    values = dict(document.organization.values)
    values["checkin_weekday"] = Weekday[values["checkin_weekday"].upper()].value
    values.pop("name")
    return values


def is_empty(org: Organization) -> bool:
    return not (
        org.cycles.exists() or org.teams.exists() or org.objectives.exists() or org.reviews.exists()
    )


def create_organization(slug: str, document: Document) -> Organization:
    org = Organization(slug=slug, name=document.organization["name"], **_settings(document))
    try:
        org.full_clean()
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from error
    org.save()
    record(org, None, org, Action.CREATED, after=snapshot(org, ORGANIZATION_FIELDS))
    return org


@dataclass
class _Import:
    org: Organization
    document: Document
    tick: Callable[[int], object]
    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    cycles: dict[str, Cycle] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    key_results: dict[int, KeyResult] = field(default_factory=dict)  # by id() of the entry
    kr_refs: dict[str, KeyResult] = field(default_factory=dict)
    kpis: dict[str, KPI] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)

    def run(self) -> Counts:
        self.settings()
        self.people()
        self.add_teams()
        self.add_kpis()
        self.add_cycles()
        self.add_objectives()
        self.add_key_results()
        self.add_guardrails()
        self.add_dependencies()
        self.add_reviews()
        self.close()
        return self.counts

    def settings(self) -> None:
        for name, value in _settings(self.document).items():
            setattr(self.org, name, value)
        stored = Organization.objects.get(pk=self.org.pk)
        self.org.full_clean()
        self.org.save()
        before = snapshot(stored, ORGANIZATION_FIELDS)
        after = snapshot(self.org, ORGANIZATION_FIELDS)
        if before != after:
            record(self.org, None, self.org, Action.UPDATED, before, after)

    def people(self) -> None:
        people = self.document.people
        emails = [p["email"] for p in people]
        self.users = {u.email: u for u in User.objects.filter(email__in=emails)}
        members = set(
            Membership.objects.filter(organization=self.org).values_list("user__email", flat=True)
        )
        for person in people:
            email = person["email"]
            if email not in self.users:
                # No usable password: they choose one with "forgot password".
                self.users[email] = User.objects.create_user(email, None, name=person["name"])
            if person["role"] != FORMER and email not in members:
                membership = Membership.objects.create(
                    organization=self.org,
                    user=self.users[email],
                    role=person["role"],
                    reminders_muted=person["reminders_muted"],
                )
                after = {"person": self.users[email].display_name, "role": membership.role}
                record(self.org, None, membership, Action.JOINED, after=after)
            self.counts.people += 1
            self.tick(1)

    def user(self, email: str) -> User | None:
        return self.users.get(email) if email else None

    def add_teams(self) -> None:
        for entry in _parents_first(self.document.teams, "name"):
            team = Team(
                organization=self.org,
                name=entry["name"],
                parent=self.teams.get(entry["parent"]),
                lead=self.user(entry["lead"]),
                chat_format=entry["chat_format"],
                chat_webhook_url=entry["chat_webhook_url"],
            )
            save_team(team)
            for email, _where in entry["members"]:
                add_team_member(team, self.users[email])
            self.teams[team.name] = team
            self.counts.teams += 1
            self.tick(1)

    def add_kpis(self) -> None:
        for entry in self.document.kpis:
            kpi = KPI(
                organization=self.org,
                team=self.teams.get(entry["team"]),
                owner=self.user(entry["owner"]),
                **{name: entry[name] for name in KPI_VALUES},
            )
            kpi.full_clean()
            kpi.save()
            record(self.org, None, kpi, Action.CREATED, after={"name": kpi.name})
            self.kpis[kpi.name] = kpi
            self.counts.kpis += 1
            self.tick(1)

    def add_guardrails(self) -> None:
        for _objective, entry in self.document.key_results():
            if entry["guardrails"]:
                kr = self.key_results[id(entry)]
                set_guardrails(kr, [self.kpis[name] for name, _where in entry["guardrails"]])

    def add_cycles(self) -> None:
        for entry in _parents_first(self.document.cycles, "name"):
            # A closed cycle takes no OKR: it closes once everything is in.
            state = entry["state"] if entry["state"] != CycleState.CLOSED else CycleState.REVIEW
            self.cycles[entry["name"]] = create_cycle(
                self.org,
                None,
                name=entry["name"],
                kind=entry["kind"],
                start=entry["start"],
                end=entry["end"],
                parent=self.cycles.get(entry["parent"]),
                state=state,
            )
            self.counts.cycles += 1
            self.tick(1)

    def add_objectives(self) -> None:
        later: list[tuple[Objective, Entry]] = []
        for entry in self.document.objectives:
            refs = [ref for ref, _where in entry["parents"]]
            ready = all(ref in self.objectives for ref in refs)
            owner = self.users[entry["owner"]]
            objective = create_objective(
                self.org,
                owner,
                parents=[self.objectives[ref] for ref in refs] if ready else [],
                cycle=self.cycles[entry["cycle"]],
                title=entry["title"],
                description=entry["description"],
                level=entry["level"],
                team=self.teams.get(entry["team"]),
                origin=entry["origin"],
                visibility=entry["visibility"],
                state=entry["state"],
                carried_from=self.objectives.get(entry["carried_from"]),
            )
            self.objectives[entry["ref"]] = objective
            remember_objective(objective, entry["ref"])
            if not ready or (entry["carried_from"] and objective.carried_from_id is None):
                later.append((objective, entry))
            self.counts.objectives += 1
            self.tick(1)
        # Aligned to an objective written further down the file.
        for objective, entry in later:
            parents = [self.objectives[ref] for ref, _where in entry["parents"]]
            if set(parents) != set(objective.parents.all()):
                set_parents(objective, parents, objective.owner)
            if entry["carried_from"]:
                objective.carried_from = self.objectives[entry["carried_from"]]
                objective.save(update_fields=["carried_from"])

    def add_key_results(self) -> None:
        for objective_entry, entry in self.document.key_results():
            objective = self.objectives[objective_entry["ref"]]
            owner = self.users.get(entry["owner"]) or objective.owner
            kr = create_key_result(
                objective,
                owner,
                owner,
                title=entry["title"],
                kind=entry["kind"],
                start=entry["start"],
                target=entry["target"],
                target_max=entry["target_max"],
                current=entry["current"],
                unit=entry["unit"],
                weight=entry["weight"],
                confidence=entry["confidence"],
                due_date=entry["due_date"],
                driven_by=self.objectives.get(entry["driven_by"]),
            )
            if entry["co_owners"]:
                set_co_owners(
                    kr, owner, [self.users[email] for email, _where in entry["co_owners"]]
                )
            self.key_results[id(entry)] = kr
            if entry["ref"]:
                self.kr_refs[entry["ref"]] = kr
                remember_key_result(kr, entry["ref"], self.org.pk)
            self.counts.key_results += 1
            self.tick(1)
            self.add_check_ins(kr, entry)
            self.add_initiatives(objective, kr, entry)
            self.add_score(kr, entry)
        for entry in self.document.objectives:
            objective = self.objectives[entry["ref"]]
            self.add_initiatives(objective, None, entry)
            self.add_outcome(objective, entry)

    def add_initiatives(self, objective: Objective, kr: KeyResult | None, entry: Entry) -> None:
        for item in entry["initiatives"]:
            owner = self.user(item["owner"]) or (kr.owner if kr else objective.owner)
            create_initiative(
                objective,
                owner,
                owner=owner,
                key_result=kr,
                former_owner=True,
                title=item["title"],
                state=item["state"],
                due_date=item["due_date"],
                link=item["link"],
            )
            self.counts.initiatives += 1
            self.tick(1)

    def add_check_ins(self, kr: KeyResult, entry: Entry) -> None:
        for check_in in entry.children:
            record_check_in(
                kr,
                self.user(check_in["author"]),  # type: ignore[arg-type]
                check_in["value"],
                check_in["confidence"],
                check_in["comment"],
                check_in["blockers"],
                at=check_in["at"],
            )
            self.counts.check_ins += 1
            self.tick(1)
        # The file's current value and confidence, when it gives them, win over the newest
        # check-in's: a value may have been set without a check-in.
        wanted = (
            entry["current"] if entry["current_given"] else kr.current,
            entry["confidence"] if entry["confidence_given"] else kr.confidence,
        )
        if entry.children and (kr.current, kr.confidence) != wanted:
            kr.current, kr.confidence = wanted
            KeyResult.objects.filter(pk=kr.pk).update(current=kr.current, confidence=kr.confidence)

    def add_score(self, kr: KeyResult, entry: Entry) -> None:
        """The score as the file gives it: the proposed score of that time is not known."""
        if entry["score"] is None and not entry["score_note"]:
            return
        record_given_score(kr, kr.owner, entry["score"], entry["score_note"])

    def add_outcome(self, objective: Objective, entry: Entry) -> None:
        retro = entry["retrospective"]
        if any(retro.values()):
            fields = {f"retro_{name}": retro[name] for name in RETRO}
            save_retrospective(objective, objective.owner, **fields)
        if entry["score"] is not None:
            Objective.objects.filter(pk=objective.pk).update(score=entry["score"])
            objective.score = entry["score"]

    def add_dependencies(self) -> None:
        for entry in self.document.dependencies:
            create_dependency(
                self.user(entry["created_by"]),  # type: ignore[arg-type]
                organization=self.org,
                from_objective=self.objectives[entry["from"]],
                from_key_result=self.kr_refs.get(entry["from_key_result"]),
                to_objective=self.objectives[entry["to"]],
                to_key_result=self.kr_refs.get(entry["to_key_result"]),
                note=entry["note"],
                state=entry["state"],
            )
            self.counts.dependencies += 1
            self.tick(1)

    def add_reviews(self) -> None:
        for entry in self.document.reviews:
            create_review(
                self.org,
                self.cycles[entry["cycle"]],
                self.teams.get(entry["team"]),
                entry["kind"],
                self.user(entry["created_by"]),  # type: ignore[arg-type]
                held_on=entry["held_on"],
                duration_seconds=entry["duration_seconds"],
                **{name: entry[name] for name in ("notes", "decisions", *RETRO)},
            )
            self.counts.reviews += 1
            self.tick(1)

    def close(self) -> None:
        for _objective, entry in self.document.key_results():
            kr = self.key_results[id(entry)]
            if entry["cancelled_at"]:
                adjust_key_result(kr, kr.owner, entry["cancel_reason"], cancel=True)
                KeyResult.objects.filter(pk=kr.pk).update(cancelled_at=entry["cancelled_at"])
            if entry["archived_at"]:
                archive_key_result(kr, kr.owner)
                KeyResult.objects.filter(pk=kr.pk).update(archived_at=entry["archived_at"])
        for entry in self.document.objectives:
            if entry["archived_at"]:
                objective = self.objectives[entry["ref"]]
                archive_objective(objective, objective.owner)
                Objective.objects.filter(pk=objective.pk).update(archived_at=entry["archived_at"])
        for entry in self.document.cycles:
            if entry["state"] == CycleState.CLOSED:
                cycle = self.cycles[entry["name"]]
                before = cycle.state
                Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.CLOSED)
                record(
                    self.org,
                    None,
                    cycle,
                    Action.CLOSED,
                    {"state": before},
                    {"state": CycleState.CLOSED},
                )


def _parents_first(entries: list[Entry], key: str) -> list[Entry]:
    """The entries ordered so that each comes after its parent (the file has no loop)."""
    done: set[str] = set()
    ordered: list[Entry] = []
    pending = list(entries)
    while pending:
        ready = [e for e in pending if not e["parent"] or e["parent"] in done]
        if not ready:  # pragma: no cover - the schema refuses loops
            raise ImportRefused(_("The parents go round in a circle."))
        for entry in ready:
            done.add(entry[key])
            ordered.append(entry)
        pending = [e for e in pending if e not in ready]
    return ordered


def import_document(
    document: Document,
    org: Organization | None = None,
    create_slug: str | None = None,
    tick: Callable[[int], object] = lambda n: None,
) -> tuple[Organization, Counts]:
    """Import into `org` (which must be empty), or into a new organisation with the slug
    `create_slug`; nothing is stored unless everything is."""
    with transaction.atomic():
        if org is None:
            assert create_slug is not None
            if Organization.objects.filter(slug=create_slug).exists():
                raise ImportRefused(
                    _("An organisation “%(slug)s” already exists: drop --create to import into it.")
                    % {"slug": create_slug}
                )
            org = create_organization(create_slug, document)
        elif not is_empty(org):
            raise ImportRefused(
                _(
                    "The organisation “%(slug)s” already holds cycles, teams or objectives: "
                    "import into an empty organisation, or create one with --create."
                )
                % {"slug": org.slug}
            )
        try:
            counts = _Import(org, document, tick).run()
        except ValidationError as error:
            raise ImportRefused(" ".join(error.messages)) from error
        except DatabaseError as error:
            # What the checks above missed, refused by the database: rolled back.
            raise ImportRefused(
                _("The database refused the import: %(error)s") % {"error": error}
            ) from error
    return org, counts
