"""An organisation as an OKR file: the document described in docs/okrs-as-code.md, as YAML
or JSON.

Everything a person set is written, private objectives included (the command runs with
the operator's rights over the whole database); what the server computes or stamps (ids,
creation times, the history) is not. A few queries read the whole organisation, whatever
its size: the objectives' refs are made from their titles, so that exporting, importing
and exporting again gives the same file.
"""

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from cible.accounts.models import User
from cible.checkins.models import CheckIn, Review
from cible.kpis import rules as kpi_rules
from cible.kpis.models import KPI, Guardrail
from cible.okrs.models import Cycle, Dependency, Initiative, KeyResult, Objective
from cible.orgs.models import Membership, Organization, Team, Weekday

from .models import KeyResultRef, ObjectiveRef
from .schema import FORMER, RETRO, VERSION

Document = dict[str, Any]


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _compact(values: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """The values without the empty ones (None, "", [], {}, False), except those in keep."""
    keep = set(keep)
    return {key: value for key, value in values.items() if key in keep or not _empty(value)}


def _empty(value: Any) -> bool:
    # Not `value in (None, "", ...)`: 0 equals False, and a zero is a value.
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


class _Refs:
    """Stable names for objectives: the one stored (by an import or an apply), else one
    made from the title ("grow-revenue", "grow-revenue-2")."""

    def __init__(self, stored: dict[int, str] | None = None) -> None:
        self.stored = stored or {}
        self.used: set[str] = set(self.stored.values())
        self.of: dict[int, str] = {}

    def add(self, objective: Objective) -> str:
        if objective.pk in self.stored:
            self.of[objective.pk] = self.stored[objective.pk]
            return self.of[objective.pk]
        base = slugify(objective.title)[:60].strip("-") or "objective"
        ref, n = base, 1
        while ref in self.used:
            n += 1
            ref = f"{base}-{n}"
        self.used.add(ref)
        self.of[objective.pk] = ref
        return ref


def _cycles(org: Organization, cycle: Cycle | None) -> list[Cycle]:
    cycles = Cycle.objects.filter(organization=org).select_related("parent")
    if cycle is not None:
        cycles = cycles.filter(pk__in=[cycle.pk, cycle.parent_id or cycle.pk])
    return sorted(cycles, key=lambda c: (c.start, -c.end.toordinal(), c.name))


def _objectives(org: Organization, cycle: Cycle | None) -> list[Objective]:
    check_ins = CheckIn.objects.select_related("author").order_by("created_at", "id")
    # Co-owners who are still members: one who left checks nothing in.
    members = User.objects.filter(memberships__organization=org).order_by("email")
    krs = (
        KeyResult.objects.select_related("owner")
        .prefetch_related(
            Prefetch("check_ins", queryset=check_ins),
            Prefetch("co_owners", queryset=members),
            Prefetch("guardrails", queryset=Guardrail.objects.select_related("kpi")),
        )
        .order_by("position", "id")
    )
    objectives = (
        Objective.objects.filter(organization=org)
        .select_related("cycle", "team", "owner")
        .prefetch_related(
            Prefetch("key_results", queryset=krs),
            Prefetch("parents", queryset=Objective.objects.only("pk")),
            Prefetch("initiatives", queryset=Initiative.objects.order_by("position", "id")),
        )
        .order_by("id")
    )
    if cycle is not None:
        objectives = objectives.filter(cycle=cycle)
    return list(objectives)


def name(org: Organization, objectives: list[Objective]) -> tuple[_Refs, dict[int, str]]:
    """The refs of the objectives (`refs.of`, by id) and of their key results (by id), as
    the file writes them."""
    refs = _Refs(dict(ObjectiveRef.objects.filter(organization=org).values_list("pk", "ref")))
    for objective in objectives:
        refs.add(objective)
    return refs, _kr_refs(org, objectives, refs)


def build(
    org: Organization,
    cycle: Cycle | None = None,
    secrets: bool = False,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] = lambda items, total: items,
) -> Document:
    """The organisation (or one cycle of it: that cycle, its year, its objectives and
    reviews) as a document."""
    zone = ZoneInfo(org.time_zone) if org.time_zone else None
    objectives = _objectives(org, cycle)
    refs, kr_refs = name(org, objectives)
    dependencies = _dependency_rows(org, refs)
    emails: dict[int, str] = {}
    document: Document = {
        "version": VERSION,
        "organization": _organization(org),
        "people": _people(org, objectives, emails),
        "teams": _teams(org, emails, secrets),
        "kpis": _kpis(org, emails),
        "cycles": [_cycle(c) for c in _cycles(org, cycle)],
        "objectives": [
            _objective(o, refs, kr_refs, emails, zone)
            for o in progress(objectives, len(objectives))
        ],
        "dependencies": _dependencies(dependencies, refs, kr_refs, emails),
        "reviews": _reviews(org, cycle, emails),
    }
    return _compact(document, keep=("version", "organization", "people"))


def _organization(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "slug": org.slug,
        "language": org.language,
        "time_zone": org.time_zone,
        "checkin_weekday": Weekday(org.checkin_weekday).name.lower(),
        "checkin_time": org.checkin_time.strftime("%H:%M"),
        "score_display": org.score_display,
        "at_risk_gap": _number(org.at_risk_gap),
        "off_track_gap": _number(org.off_track_gap),
        "at_risk_confidence": org.at_risk_confidence,
        "off_track_confidence": org.off_track_confidence,
    }


def _people(
    org: Organization, objectives: list[Objective], emails: dict[int, str]
) -> list[dict[str, Any]]:
    """The members, then whoever left but still owns or wrote something."""
    memberships = Membership.objects.filter(organization=org).select_related("user")
    people = {
        m.user.email: _compact(
            {
                "email": m.user.email,
                "name": m.user.name,
                "role": m.role,
                "reminders_muted": m.reminders_muted,
            },
            keep=("role",),
        )
        for m in memberships
    }
    emails.update({m.user_id: m.user.email for m in memberships})
    referenced = {o.owner_id for o in objectives}
    for objective in objectives:
        for kr in objective.key_results.all():
            referenced.add(kr.owner_id)
            referenced.update(c.author_id for c in kr.check_ins.all() if c.author_id)
        referenced.update(i.owner_id for i in objective.initiatives.all())
    referenced.update(
        Dependency.objects.filter(organization=org, created_by__isnull=False).values_list(
            "created_by_id", flat=True
        )
    )
    referenced.update(
        Review.objects.filter(organization=org, created_by__isnull=False).values_list(
            "created_by_id", flat=True
        )
    )
    for user in User.objects.filter(pk__in=referenced - emails.keys()):
        emails[user.pk] = user.email
        people[user.email] = _compact({"email": user.email, "name": user.name, "role": FORMER})
    return [people[email] for email in sorted(people)]


def _teams(org: Organization, emails: dict[int, str], secrets: bool) -> list[dict[str, Any]]:
    teams = (
        Team.objects.filter(organization=org)
        .select_related("parent")
        .prefetch_related("memberships")
        .order_by("name")
    )
    return [
        _compact(
            {
                "name": team.name,
                "parent": team.parent.name if team.parent else None,
                "lead": emails.get(team.lead_id) if team.lead_id else None,
                "members": sorted(
                    emails[m.user_id] for m in team.memberships.all() if m.user_id in emails
                ),
                "chat_format": team.chat_format,
                "chat_webhook_url": team.chat_webhook_url if secrets else None,
            }
        )
        for team in teams
    ]


def _kpis(org: Organization, emails: dict[int, str]) -> list[dict[str, Any]]:
    """The KPIs and their thresholds (not their values: a file holds what is planned)."""
    kpis = KPI.objects.filter(organization=org).select_related("team").order_by("name", "pk")
    return [
        _compact(
            {
                "name": kpi.name,
                "team": kpi.team.name if kpi.team else None,
                "description": kpi.description,
                "unit": kpi.unit,
                "direction": kpi.direction,
                **{name: _number(getattr(kpi, name)) for name in kpi_rules.BOUNDS},
                "rhythm": kpi.rhythm,
                "owner": emails.get(kpi.owner_id) if kpi.owner_id else None,
                "archived": kpi.archived or None,
            },
            keep=("direction",),
        )
        for kpi in kpis
    ]


def _cycle(cycle: Cycle) -> dict[str, Any]:
    return _compact(
        {
            "name": cycle.name,
            "kind": cycle.kind,
            "start": cycle.start,
            "end": cycle.end,
            "parent": cycle.parent.name if cycle.parent else None,
            "state": cycle.state,
        }
    )


def _moment(value: datetime | None, zone: ZoneInfo | None) -> str | None:
    return None if value is None else timezone.localtime(value, zone).isoformat()


def _objective(
    objective: Objective,
    refs: _Refs,
    kr_refs: dict[int, str],
    emails: dict[int, str],
    zone: ZoneInfo | None,
) -> dict[str, Any]:
    retro = {name: getattr(objective, f"retro_{name}") for name in RETRO}
    initiatives: dict[int | None, list[dict[str, Any]]] = {}
    for initiative in objective.initiatives.all():
        initiatives.setdefault(initiative.key_result_id, []).append(_initiative(initiative, emails))
    parents = sorted(refs.of[p.pk] for p in objective.parents.all() if p.pk in refs.of)
    return _compact(
        {
            "ref": refs.of[objective.pk],
            "title": objective.title,
            "description": objective.description,
            "level": objective.level,
            "cycle": objective.cycle.name,
            "team": objective.team.name if objective.team else None,
            "owner": emails[objective.owner_id],
            "parents": parents,
            "origin": objective.origin,
            "visibility": objective.visibility,
            "state": objective.state,
            "score": _number(objective.score),
            "retrospective": _compact(retro),
            "archived_at": _moment(objective.archived_at, zone),
            "carried_from": refs.of.get(objective.carried_from_id or 0),
            "key_results": [
                _key_result(kr, refs, kr_refs, emails, zone, initiatives.get(kr.pk, []))
                for kr in objective.key_results.all()
            ],
            "initiatives": initiatives.get(None, []),
        },
        keep=("level", "origin", "visibility", "state"),
    )


def _key_result(
    kr: KeyResult,
    refs: _Refs,
    kr_refs: dict[int, str],
    emails: dict[int, str],
    zone: ZoneInfo | None,
    initiatives: list[dict[str, Any]],
) -> dict[str, Any]:
    check_ins = [
        _compact(
            {
                "at": _moment(c.created_at, zone),
                "value": _number(c.value),
                "confidence": c.confidence,
                "comment": c.comment,
                "blockers": c.blockers,
                "author": emails.get(c.author_id) if c.author_id else None,
            }
        )
        for c in kr.check_ins.all()
    ]
    return _compact(
        {
            "ref": kr_refs.get(kr.pk),
            "title": kr.title,
            "kind": kr.kind,
            "start": _number(kr.start),
            "target": _number(kr.target),
            "target_max": _number(kr.target_max),
            "current": _number(kr.current),
            "unit": kr.unit,
            "weight": _number(kr.weight),
            "owner": emails[kr.owner_id],
            "co_owners": [user.email for user in kr.co_owners.all()],
            "confidence": kr.confidence,
            "due_date": kr.due_date,
            "driven_by": refs.of.get(kr.driven_by_id or 0),
            "score": _number(kr.score),
            "score_note": kr.score_note,
            "archived_at": _moment(kr.archived_at, zone),
            "cancelled_at": _moment(kr.cancelled_at, zone),
            "cancel_reason": kr.cancel_reason,
            "check_ins": check_ins,
            "initiatives": initiatives,
            "guardrails": sorted(g.kpi.name for g in kr.guardrails.all()),
        },
        # Without it, the confidence would follow the newest check-in's.
        keep=("confidence",) if check_ins else (),
    )


def _initiative(initiative: Initiative, emails: dict[int, str]) -> dict[str, Any]:
    return _compact(
        {
            "title": initiative.title,
            "owner": emails[initiative.owner_id],
            "state": initiative.state,
            "due_date": initiative.due_date,
            "link": initiative.link,
        },
        keep=("state",),
    )


def _dependency_rows(org: Organization, refs: _Refs) -> list[Dependency]:
    known = refs.of.keys()
    return [
        d
        for d in Dependency.objects.filter(organization=org).order_by("id")
        if d.from_objective_id in known and d.to_objective_id in known
    ]


def _kr_refs(org: Organization, objectives: list[Objective], refs: _Refs) -> dict[int, str]:
    """Every KR's ref: the one stored, else the objective's ref and the KR's number."""
    stored = dict(KeyResultRef.objects.filter(organization=org).values_list("pk", "ref"))
    used = set(stored.values())
    result = {}
    for objective in objectives:
        for number, kr in enumerate(objective.key_results.all(), start=1):
            ref = stored.get(kr.pk)
            if ref is None:
                base = ref = f"{refs.of[objective.pk]}.{number}"
                n = 1
                while ref in used:
                    n += 1
                    ref = f"{base}-{n}"
                used.add(ref)
            result[kr.pk] = ref
    return result


def _dependencies(
    dependencies: list[Dependency], refs: _Refs, kr_refs: dict[int, str], emails: dict[int, str]
) -> list[dict[str, Any]]:
    return [
        _compact(
            {
                "from": refs.of[d.from_objective_id],
                "from_key_result": kr_refs.get(d.from_key_result_id or 0),
                "to": refs.of[d.to_objective_id],
                "to_key_result": kr_refs.get(d.to_key_result_id or 0),
                "note": d.note,
                "state": d.state,
                "created_by": emails.get(d.created_by_id) if d.created_by_id else None,
            }
        )
        for d in dependencies
    ]


def _reviews(
    org: Organization, cycle: Cycle | None, emails: dict[int, str]
) -> list[dict[str, Any]]:
    reviews = (
        Review.objects.filter(organization=org)
        .select_related("cycle", "team")
        .order_by("held_on", "id")
    )
    if cycle is not None:
        reviews = reviews.filter(cycle=cycle)
    return [
        _compact(
            {
                "kind": r.kind,
                "cycle": r.cycle.name,
                "team": r.team.name if r.team else None,
                "held_on": r.held_on,
                "notes": r.notes,
                "decisions": r.decisions,
                **{name: getattr(r, name) for name in RETRO},
                "duration_seconds": r.duration_seconds,
                "created_by": emails.get(r.created_by_id) if r.created_by_id else None,
            }
        )
        for r in reviews
    ]


# Writing ---------------------------------------------------------------------------------

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Dumper(_Dumper):  # type: ignore[misc,valid-type]
    """Decimals as plain numbers with every digit, long texts as blocks."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(Decimal, _represent_decimal)
Dumper.add_representer(str, _represent_text)


def to_yaml(document: Document) -> str:
    return str(
        yaml.dump(
            document,
            Dumper=Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
    )


def _json_value(value: Any) -> str:
    if isinstance(value, Decimal):
        # A string keeps every digit, which a JSON number read as a float would not.
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(document: Document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_value) + "\n"
