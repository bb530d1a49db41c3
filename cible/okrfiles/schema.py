"""The OKR file's schema: every field's type, bounds and references, checked over the
whole file before anything is stored, each problem with its line.

The bounds and the OKR rules (values, confidence, weights, scores, levels and teams, an
objective aligned to its own cycle or its year and to its level or above) are asked of
`cible.okrs.rules` on the file's values, before anything exists in the database; what
only a file can get wrong (references by name, lines) is checked here. The format is
described in docs/okrs-as-code.md.
"""

import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from cible.checkins.models import ReviewKind
from cible.kpis import rules as kpi_rules
from cible.kpis.models import KPI, Direction, Rhythm
from cible.lib.limits import LONG_TEXT, SHORT_TEXT, YEARS
from cible.lib.text import LINE_LENGTH, Kind, message_of, text_problem
from cible.okrs import rules
from cible.okrs.models import (
    Cycle,
    CycleKind,
    CycleState,
    DependencyState,
    Initiative,
    InitiativeState,
    KeyResult,
    KRKind,
    Level,
    Objective,
    ObjectiveState,
    Origin,
    Visibility,
)
from cible.orgs.models import (
    ChatFormat,
    Organization,
    Role,
    ScoreDisplay,
    Team,
    Weekday,
    webhook_url_validator,
)

from .source import Path, Problem, Source, parse

VERSION = 1
FORMER = "former"  # a person who left but still owns or wrote something
ROLES = [*Role.values, FORMER]
WEEKDAYS = [day.name.lower() for day in Weekday]
RETRO = ("worked", "did_not_work", "learned", "celebrate")
REF_LENGTH = 100
TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:00)?$")


def _max_length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


class Reader:
    """Reads typed values out of the file's mappings, noting a problem (with its line)
    for each value that does not fit; a value that does not fit reads as None."""

    def __init__(self, source: Source, zone: zoneinfo.ZoneInfo | None = None) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.zone = zone

    def error(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.source.line(path), message))

    # Containers ------------------------------------------------------------------------

    def mapping(self, path: Path, value: Any, allowed: Iterable[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, _("A set of fields (name: value) is expected here."))
            return {}
        allowed = set(allowed)
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, str(key)),
                    _("Unknown field “%(name)s”; expected one of: %(names)s.")
                    % {"name": key, "names": ", ".join(sorted(allowed))},
                )
        return {key: item for key, item in value.items() if key in allowed}

    def sequence(self, path: Path, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("A list is expected here."))
            return []
        return value

    # Scalars ---------------------------------------------------------------------------

    def _present(self, path: Path, data: dict[str, Any], name: str, required: bool) -> bool:
        if data.get(name) is None:
            if required:
                self.error((*path, name), _("“%(name)s” is required.") % {"name": name})
            return False
        return True

    def _scalar_text(self, path: Path, value: Any) -> str | None:
        """A scalar as written (`2027` is the text "2027"); None for a list or mapping, and
        for the values of YAML's other types (`!!set`, `!!binary`, `!!timestamp`...)."""
        if isinstance(value, str):
            return value
        if not isinstance(value, bool | int | float):
            return None
        return self.source.raw.get(path, str(value))

    def _check_text(self, where: Path, name: str, text: str, kind: Kind) -> None:
        problem = text_problem(text.replace("\x00", ""), kind=kind)
        if problem is not None:
            self.error(
                where, _("“%(name)s”: %(error)s") % {"name": name, "error": message_of(problem)}
            )

    def text(
        self,
        path: Path,
        data: dict[str, Any],
        name: str,
        limit: int,
        required: bool = False,
    ) -> str:
        where = (*path, name)
        if not self._present(path, data, name, required):
            return ""
        text = self._scalar_text(where, data[name])
        if text is None:
            self.error(where, _("“%(name)s” must be text.") % {"name": name})
            return ""
        if required and not text.strip():
            self.error(where, _("“%(name)s” is required.") % {"name": name})
        if "\x00" in text:
            # PostgreSQL refuses them in text: refused here, with the line.
            self.error(where, _("“%(name)s” contains a null character.") % {"name": name})
        # Titles, names and references are one line; longer texts may hold several.
        self._check_text(where, name, text, "title" if limit <= LINE_LENGTH else "text")
        text = text.replace("\x00", "")
        if len(text) > limit:
            self.error(
                where,
                _("“%(name)s” is too long: %(length)d characters, at most %(limit)d.")
                % {"name": name, "length": len(text), "limit": limit},
            )
        return text

    def choice(
        self,
        path: Path,
        data: dict[str, Any],
        name: str,
        choices: Iterable[str],
        default: str | None = None,
    ) -> str | None:
        choices = list(choices)
        if not self._present(path, data, name, default is None):
            return default
        text = self._scalar_text((*path, name), data[name])
        if text not in choices:
            self.error(
                (*path, name),
                _("“%(name)s” must be one of: %(choices)s.")
                % {"name": name, "choices": ", ".join(choices)},
            )
            return None
        return text

    def decimal(
        self,
        path: Path,
        data: dict[str, Any],
        name: str,
        digits: int,
        places: int,
        required: bool = False,
        low: Decimal | None = None,
        high: Decimal | None = None,
    ) -> Decimal | None:
        where = (*path, name)
        if not self._present(path, data, name, required):
            return None
        value = data[name]
        text = None if isinstance(value, bool) else self._scalar_text(where, value)
        try:
            number = Decimal((text or "").strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.error(where, _("“%(name)s” must be a number.") % {"name": name})
            return None
        try:
            rules.DigitsValidator(digits, places)(number.normalize() if number else Decimal(0))
        except ValidationError as error:
            self.error(where, f"“{name}”: {' '.join(error.messages)}")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.error(
                where,
                _("“%(name)s” must lie between %(low)s and %(high)s.")
                % {"name": name, "low": low, "high": high},
            )
            return None
        return number

    def integer(
        self,
        path: Path,
        data: dict[str, Any],
        name: str,
        low: int,
        high: int,
        required: bool = False,
    ) -> int | None:
        where = (*path, name)
        if not self._present(path, data, name, required):
            return None
        text = self._scalar_text(where, data[name])
        if isinstance(data[name], bool) or text is None or not re.fullmatch(r"\d+", text.strip()):
            self.error(where, _("“%(name)s” must be a whole number.") % {"name": name})
            return None
        number = int(text)
        if not low <= number <= high:
            self.error(
                where,
                _("“%(name)s” must lie between %(low)s and %(high)s.")
                % {"name": name, "low": low, "high": high},
            )
            return None
        return number

    def boolean(self, path: Path, data: dict[str, Any], name: str) -> bool:
        value = data.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error((*path, name), _("“%(name)s” must be true or false.") % {"name": name})
            return False
        return value

    def day(
        self, path: Path, data: dict[str, Any], name: str, required: bool = False
    ) -> date | None:
        where = (*path, name)
        if not self._present(path, data, name, required):
            return None
        text = self._scalar_text(where, data[name]) or ""
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            self.error(where, _("“%(name)s” must be a date such as 2027-01-31.") % {"name": name})
            return None
        if not self._in_range(where, name, day):
            return None
        return day

    def _in_range(self, where: Path, name: str, day: date) -> bool:
        if day.year in YEARS:
            return True
        self.error(
            where,
            _("“%(name)s” must be between the years %(first)d and %(last)d.")
            % {"name": name, "first": YEARS.start, "last": YEARS.stop - 1},
        )
        return False

    def moment(
        self, path: Path, data: dict[str, Any], name: str, required: bool = False
    ) -> datetime | None:
        """A date and time; without a time zone, the organisation's."""
        where = (*path, name)
        if not self._present(path, data, name, required):
            return None
        text = self._scalar_text(where, data[name]) or ""
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            self.error(
                where,
                _("“%(name)s” must be a date and time such as 2027-01-31T09:30:00+01:00.")
                % {"name": name},
            )
            return None
        try:
            if timezone.is_naive(value):
                value = timezone.make_aware(value, self.zone or timezone.get_default_timezone())
            value.astimezone(UTC)
        except (OverflowError, ValueError):
            self.error(where, _("“%(name)s” is out of range.") % {"name": name})
            return None
        if not self._in_range(where, name, value.date()):
            return None
        return value

    def time_of_day(self, path: Path, data: dict[str, Any], name: str) -> time | None:
        where = (*path, name)
        if not self._present(path, data, name, False):
            return None
        match = TIME_OF_DAY.match((self._scalar_text(where, data[name]) or "").strip())
        if match is None:
            self.error(where, _('“%(name)s” must be a time such as "09:30".') % {"name": name})
            return None
        return time(int(match.group(1)), int(match.group(2)))

    def texts(self, path: Path, data: dict[str, Any], name: str) -> list[tuple[str, Path]]:
        """A list of names (refs, e-mail addresses), each with its own path."""
        where = (*path, name)
        result = []
        for index, item in enumerate(self.sequence(where, data.get(name))):
            text = self._scalar_text((*where, index), item)
            if text is None or not text.strip():
                self.error((*where, index), _("A name or reference is expected here."))
                continue
            problem = text_problem(text, kind="title")
            if problem is not None:
                self.error((*where, index), message_of(problem))
                continue
            result.append((text, (*where, index)))
        return result


@dataclass
class Entry:
    """One validated item of the file: its values by field name, and where it is."""

    path: Path
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    children: list["Entry"] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


@dataclass
class Document:
    organization: Entry
    people: list[Entry]
    teams: list[Entry]
    cycles: list[Entry]
    objectives: list[Entry]
    dependencies: list[Entry]
    reviews: list[Entry]
    kpis: list[Entry] = field(default_factory=list)

    def key_results(self) -> Iterable[tuple[Entry, Entry]]:
        for objective in self.objectives:
            for kr in objective.children:
                yield objective, kr

    def size(self) -> int:
        """How many things the import will create: for a progress bar."""
        check_ins = sum(len(kr.children) for _objective, kr in self.key_results())
        krs = sum(len(o.children) for o in self.objectives)
        initiatives = sum(len(o["initiatives"]) for o in self.objectives) + sum(
            len(kr["initiatives"]) for _objective, kr in self.key_results()
        )
        return (
            initiatives
            + len(self.people)
            + len(self.teams)
            + len(self.cycles)
            + len(self.objectives)
            + krs
            + check_ins
            + len(self.dependencies)
            + len(self.reviews)
            + len(self.kpis)
        )


TOP_FIELDS = (
    "version",
    "organization",
    "people",
    "teams",
    "kpis",
    "cycles",
    "objectives",
    "dependencies",
    "reviews",
)
ORG_FIELDS = (
    "name",
    "slug",
    "language",
    "time_zone",
    "checkin_weekday",
    "checkin_time",
    "score_display",
    "at_risk_gap",
    "off_track_gap",
    "at_risk_confidence",
    "off_track_confidence",
)
PERSON_FIELDS = ("email", "name", "role", "reminders_muted")
TEAM_FIELDS = ("name", "parent", "lead", "members", "chat_format", "chat_webhook_url")
CYCLE_FIELDS = ("name", "kind", "start", "end", "parent", "state")
OBJECTIVE_FIELDS = (
    "ref",
    "title",
    "description",
    "level",
    "cycle",
    "team",
    "owner",
    "parents",
    "origin",
    "visibility",
    "state",
    "score",
    "retrospective",
    "archived_at",
    "carried_from",
    "key_results",
    "initiatives",
)
KR_FIELDS = (
    "ref",
    "title",
    "kind",
    "start",
    "target",
    "target_max",
    "current",
    "unit",
    "weight",
    "owner",
    "co_owners",
    "confidence",
    "due_date",
    "driven_by",
    "score",
    "score_note",
    "archived_at",
    "cancelled_at",
    "cancel_reason",
    "check_ins",
    "initiatives",
    "guardrails",
)
KPI_FIELDS = (
    "name",
    "team",
    "description",
    "unit",
    "direction",
    *kpi_rules.BOUNDS,
    "rhythm",
    "owner",
    "archived",
)
INITIATIVE_FIELDS = ("title", "owner", "state", "due_date", "link")
CHECK_IN_FIELDS = ("at", "value", "confidence", "comment", "blockers", "author")
DEPENDENCY_FIELDS = (
    "from",
    "from_key_result",
    "to",
    "to_key_result",
    "note",
    "state",
    "created_by",
)
REVIEW_FIELDS = (
    "kind",
    "cycle",
    "team",
    "held_on",
    "notes",
    "decisions",
    *RETRO,
    "duration_seconds",
    "created_by",
)


def _entry(reader: Reader, path: Path, data: dict[str, Any]) -> Entry:
    lines = {str(name): reader.source.line((*path, name)) for name in data}
    return Entry(path, reader.source.line(path), lines=lines)


def _rule(reader: Reader, where: Path, check: Callable[..., None], *args: Any) -> bool:
    """Run one of `cible.okrs.rules`' checks, its refusal as an error at `where`."""
    try:
        check(*args)
    except ValidationError as error:
        for message in error.messages:
            reader.error(where, message)
        return False
    return True


def _score(reader: Reader, path: Path, data: dict[str, Any]) -> Decimal | None:
    return reader.decimal(
        path,
        data,
        "score",
        rules.SCORE_MAX_DIGITS,
        rules.SCORE_DECIMAL_PLACES,
        low=rules.SCORE_MIN,
        high=rules.SCORE_MAX,
    )


def _value(reader: Reader, path: Path, data: dict[str, Any], name: str, **kw: Any) -> Any:
    return reader.decimal(
        path, data, name, rules.VALUE_MAX_DIGITS, rules.VALUE_DECIMAL_PLACES, **kw
    )


def _confidence(reader: Reader, path: Path, data: dict[str, Any]) -> int | None:
    return reader.integer(path, data, "confidence", rules.CONFIDENCE_MIN, rules.CONFIDENCE_MAX)


# Sections ----------------------------------------------------------------------------------


def _organization(reader: Reader, data: Any) -> Entry:
    path: Path = ("organization",)
    org = reader.mapping(path, data, ORG_FIELDS)
    if data is None:
        reader.error(path, _("“organization” is required."))
    entry = _entry(reader, path, org)
    v = entry.values
    v["name"] = reader.text(path, org, "name", _max_length(Organization, "name"), required=True)
    languages = [code for code, _label in settings.LANGUAGES]
    v["language"] = reader.choice(path, org, "language", languages, "en")
    v["time_zone"] = reader.text(path, org, "time_zone", _max_length(Organization, "time_zone"))
    if v["time_zone"]:
        try:
            reader.zone = zoneinfo.ZoneInfo(v["time_zone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            reader.error((*path, "time_zone"), _("Unknown time zone, e.g. Europe/Paris."))
    else:
        v["time_zone"] = "Europe/Paris"
    v["checkin_weekday"] = reader.choice(path, org, "checkin_weekday", WEEKDAYS, "monday")
    v["checkin_time"] = reader.time_of_day(path, org, "checkin_time") or time(9, 0)
    v["score_display"] = reader.choice(
        path, org, "score_display", ScoreDisplay.values, ScoreDisplay.DECIMAL
    )
    one = Decimal(1)
    gaps = [
        reader.decimal(path, org, name, 4, 2, low=Decimal(0), high=one)
        for name in ("at_risk_gap", "off_track_gap")
    ]
    levels = [
        reader.integer(path, org, name, 0, 10)
        for name in ("at_risk_confidence", "off_track_confidence")
    ]
    v["at_risk_gap"] = gaps[0] if gaps[0] is not None else Decimal("0.15")
    v["off_track_gap"] = gaps[1] if gaps[1] is not None else Decimal("0.30")
    v["at_risk_confidence"] = levels[0] if levels[0] is not None else 5
    v["off_track_confidence"] = levels[1] if levels[1] is not None else 3
    if v["off_track_gap"] < v["at_risk_gap"]:
        reader.error(
            (*path, "off_track_gap"), _("“off_track_gap” must not be below “at_risk_gap”.")
        )
    if v["off_track_confidence"] > v["at_risk_confidence"]:
        reader.error(
            (*path, "off_track_confidence"),
            _("“off_track_confidence” must not exceed “at_risk_confidence”."),
        )
    return entry


def _people(reader: Reader, data: Any) -> list[Entry]:
    people: list[Entry] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.sequence(("people",), data)):
        path: Path = ("people", index)
        person = reader.mapping(path, item, PERSON_FIELDS)
        entry = _entry(reader, path, person)
        email = reader.text(path, person, "email", 254, required=True).strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reader.error((*path, "email"), _("“email” is not a valid e-mail address."))
            if email in seen:
                reader.error(
                    (*path, "email"),
                    _("%(email)s is already listed on line %(line)d.")
                    % {"email": email, "line": seen[email]},
                )
            seen.setdefault(email, entry.line)
        entry.values = {
            "email": email,
            "name": reader.text(path, person, "name", 150),
            "role": reader.choice(path, person, "role", ROLES),
            "reminders_muted": reader.boolean(path, person, "reminders_muted"),
        }
        people.append(entry)
    if people and not any(p["role"] == Role.OWNER for p in people):
        reader.error(("people",), _("At least one person must be the organisation's owner."))
    return people


def _named(reader: Reader, entries: list[Entry], key: str = "name") -> dict[str, Entry]:
    """The entries by name, noting the names given twice."""
    result: dict[str, Entry] = {}
    for entry in entries:
        name = entry.values.get(key)
        if not name:
            continue
        if name in result:
            reader.error(
                (*entry.path, key),
                _("“%(name)s” is already used on line %(line)d.")
                % {"name": name, "line": result[name].line},
            )
            continue
        result[name] = entry
    return result


def _teams(reader: Reader, data: Any) -> list[Entry]:
    teams = []
    for index, item in enumerate(reader.sequence(("teams",), data)):
        path: Path = ("teams", index)
        team = reader.mapping(path, item, TEAM_FIELDS)
        entry = _entry(reader, path, team)
        url = reader.text(path, team, "chat_webhook_url", _max_length(Team, "chat_webhook_url"))
        if url:
            try:
                webhook_url_validator(url)
            except ValidationError as error:
                reader.error((*path, "chat_webhook_url"), " ".join(error.messages))
        entry.values = {
            "name": reader.text(path, team, "name", _max_length(Team, "name"), required=True),
            "parent": reader.text(path, team, "parent", _max_length(Team, "name")),
            "lead": reader.text(path, team, "lead", 254).strip().lower(),
            "members": [
                (email.strip().lower(), where)
                for email, where in reader.texts(path, team, "members")
            ],
            "chat_format": reader.choice(
                path, team, "chat_format", ChatFormat.values, ChatFormat.SLACK
            ),
            "chat_webhook_url": url,
        }
        teams.append(entry)
    return teams


def _cycles(reader: Reader, data: Any) -> list[Entry]:
    cycles = []
    for index, item in enumerate(reader.sequence(("cycles",), data)):
        path: Path = ("cycles", index)
        cycle = reader.mapping(path, item, CYCLE_FIELDS)
        entry = _entry(reader, path, cycle)
        limit = _max_length(Cycle, "name")
        v = entry.values
        v["name"] = reader.text(path, cycle, "name", limit, required=True)
        v["kind"] = reader.choice(path, cycle, "kind", CycleKind.values)
        v["start"] = reader.day(path, cycle, "start", required=True)
        v["end"] = reader.day(path, cycle, "end", required=True)
        v["parent"] = reader.text(path, cycle, "parent", limit)
        v["state"] = reader.choice(path, cycle, "state", CycleState.values, CycleState.PLANNING)
        _rule(reader, (*path, "end"), rules.check_cycle_dates, v["start"], v["end"])
        cycles.append(entry)
    return cycles


def _check_ins(reader: Reader, path: Path, data: Any) -> list[Entry]:
    check_ins = []
    for index, item in enumerate(reader.sequence(path, data)):
        where = (*path, index)
        check_in = reader.mapping(where, item, CHECK_IN_FIELDS)
        entry = _entry(reader, where, check_in)
        entry.values = {
            "at": reader.moment(where, check_in, "at", required=True),
            "value": _value(reader, where, check_in, "value", required=True),
            "confidence": _confidence(reader, where, check_in),
            "comment": reader.text(where, check_in, "comment", SHORT_TEXT),
            "blockers": reader.text(where, check_in, "blockers", SHORT_TEXT),
            "author": reader.text(where, check_in, "author", 254).strip().lower(),
        }
        check_ins.append(entry)
    return check_ins


def _initiatives(reader: Reader, path: Path, data: Any) -> list[Entry]:
    """The work planned for a key result or an objective: never counted in progress."""
    initiatives = []
    check_link = URLValidator(schemes=["http", "https"])
    for index, item in enumerate(reader.sequence(path, data)):
        where = (*path, index)
        initiative = reader.mapping(where, item, INITIATIVE_FIELDS)
        entry = _entry(reader, where, initiative)
        link = reader.text(where, initiative, "link", _max_length(Initiative, "link"))
        if link:
            try:
                check_link(link)
            except ValidationError:
                reader.error((*where, "link"), _("“link” must be an http:// or https:// address."))
        entry.values = {
            "title": reader.text(
                where, initiative, "title", _max_length(Initiative, "title"), required=True
            ),
            "owner": reader.text(where, initiative, "owner", 254).strip().lower(),
            "state": reader.choice(
                where, initiative, "state", InitiativeState.values, InitiativeState.PLANNED
            ),
            "due_date": reader.day(where, initiative, "due_date"),
            "link": link,
        }
        initiatives.append(entry)
    return initiatives


def _key_result(reader: Reader, path: Path, item: Any) -> Entry:
    kr = reader.mapping(path, item, KR_FIELDS)
    entry = _entry(reader, path, kr)
    v = entry.values
    v["ref"] = reader.text(path, kr, "ref", REF_LENGTH)
    v["title"] = reader.text(path, kr, "title", _max_length(KeyResult, "title"), required=True)
    v["kind"] = reader.choice(path, kr, "kind", KRKind.values, KRKind.INCREASE)
    milestone = v["kind"] == KRKind.MILESTONE
    v["start"] = _value(reader, path, kr, "start", required=not milestone)
    v["target"] = _value(reader, path, kr, "target", required=not milestone)
    if milestone:
        # As the services do: a milestone runs from 0 (not done) to 1 (done).
        v["start"], v["target"] = Decimal(0), Decimal(1)
    v["target_max"] = _value(reader, path, kr, "target_max")
    v["current"] = _value(reader, path, kr, "current")
    v["unit"] = reader.text(path, kr, "unit", _max_length(KeyResult, "unit"))
    weight = reader.decimal(
        path, kr, "weight", rules.WEIGHT_MAX_DIGITS, rules.WEIGHT_DECIMAL_PLACES
    )
    if weight is not None:
        _rule(reader, (*path, "weight"), rules.check_weight, weight)
    v["weight"] = weight if weight is not None else Decimal(1)
    v["owner"] = reader.text(path, kr, "owner", 254).strip().lower()
    v["co_owners"] = [
        (email.strip().lower(), where) for email, where in reader.texts(path, kr, "co_owners")
    ]
    v["confidence"] = _confidence(reader, path, kr)
    # Without them, the current value and confidence follow the newest check-in.
    v["current_given"] = kr.get("current") is not None
    v["confidence_given"] = "confidence" in kr
    v["due_date"] = reader.day(path, kr, "due_date")
    v["driven_by"] = reader.text(path, kr, "driven_by", REF_LENGTH)
    v["score"] = _score(reader, path, kr)
    v["score_note"] = reader.text(path, kr, "score_note", SHORT_TEXT)
    v["archived_at"] = reader.moment(path, kr, "archived_at")
    v["cancelled_at"] = reader.moment(path, kr, "cancelled_at")
    v["cancel_reason"] = reader.text(path, kr, "cancel_reason", SHORT_TEXT)
    if v["cancelled_at"] and not v["cancel_reason"].strip():
        reader.error(
            (*path, "cancelled_at"), _("Say why the key result was cancelled: “cancel_reason”.")
        )
    _kr_values(reader, path, v)
    entry.children = _check_ins(reader, (*path, "check_ins"), kr.get("check_ins"))
    v["initiatives"] = _initiatives(reader, (*path, "initiatives"), kr.get("initiatives"))
    v["guardrails"] = reader.texts(path, kr, "guardrails")
    return entry


def _kpis(reader: Reader, data: Any) -> list[Entry]:
    """Health metrics kept within thresholds across cycles; their thresholds are checked
    by the KPIs' own rules (`cible.kpis.rules`), each problem on its field's line."""
    kpis = []
    for index, item in enumerate(reader.sequence(("kpis",), data)):
        path: Path = ("kpis", index)
        kpi = reader.mapping(path, item, KPI_FIELDS)
        entry = _entry(reader, path, kpi)
        v = entry.values
        v["name"] = reader.text(path, kpi, "name", _max_length(KPI, "name"), required=True)
        v["team"] = reader.text(path, kpi, "team", _max_length(Team, "name"))
        v["description"] = reader.text(path, kpi, "description", LONG_TEXT)
        v["unit"] = reader.text(path, kpi, "unit", _max_length(KPI, "unit"))
        v["direction"] = reader.choice(path, kpi, "direction", Direction.values, Direction.HIGHER)
        for name in kpi_rules.BOUNDS:
            v[name] = _value(reader, path, kpi, name)
        v["rhythm"] = reader.choice(path, kpi, "rhythm", Rhythm.values, Rhythm.WEEKLY)
        v["owner"] = reader.text(path, kpi, "owner", 254).strip().lower()
        v["archived"] = reader.boolean(path, kpi, "archived")
        given = [name for name in kpi_rules.BOUNDS if name in kpi and v[name] is None]
        if v["direction"] and not given:
            errors = kpi_rules.thresholds_errors(
                v["direction"], *(v[name] for name in kpi_rules.BOUNDS)
            )
            for name, problems in errors.items():
                where = (*path, name) if name in kpi else (*path, "direction")
                for problem in problems:
                    reader.error(where, f"“{name}”: {' '.join(problem.messages)}")
        kpis.append(entry)
    return kpis


def _kr_values(reader: Reader, path: Path, v: dict[str, Any]) -> None:
    """The rules on a KR's numbers (a missing start or target is said where it is read)."""
    start, target = v["start"], v["target"]
    errors = rules.target_errors(v["kind"], start, target, v["target_max"])
    for name, message in errors.items():
        if name == "target_max" or None not in (start, target):
            reader.error((*path, name), message)
    if v["current"] is None:
        v["current"] = start


def _objectives(reader: Reader, data: Any) -> list[Entry]:
    objectives = []
    for index, item in enumerate(reader.sequence(("objectives",), data)):
        path: Path = ("objectives", index)
        objective = reader.mapping(path, item, OBJECTIVE_FIELDS)
        entry = _entry(reader, path, objective)
        v = entry.values
        v["ref"] = reader.text(path, objective, "ref", REF_LENGTH, required=True)
        v["title"] = reader.text(
            path, objective, "title", _max_length(Objective, "title"), required=True
        )
        v["description"] = reader.text(path, objective, "description", LONG_TEXT)
        v["level"] = reader.choice(path, objective, "level", Level.values)
        v["cycle"] = reader.text(path, objective, "cycle", _max_length(Cycle, "name"), True)
        v["team"] = reader.text(path, objective, "team", _max_length(Team, "name"))
        v["owner"] = reader.text(path, objective, "owner", 254, required=True).strip().lower()
        v["parents"] = reader.texts(path, objective, "parents")
        v["origin"] = reader.choice(path, objective, "origin", Origin.values, Origin.TOP_DOWN)
        v["visibility"] = reader.choice(
            path, objective, "visibility", Visibility.values, Visibility.ORGANIZATION
        )
        v["state"] = reader.choice(
            path, objective, "state", ObjectiveState.values, ObjectiveState.ACTIVE
        )
        v["score"] = _score(reader, path, objective)
        retro_path = (*path, "retrospective")
        retro = reader.mapping(retro_path, objective.get("retrospective"), RETRO)
        v["retrospective"] = {
            name: reader.text(retro_path, retro, name, LONG_TEXT) for name in RETRO
        }
        v["archived_at"] = reader.moment(path, objective, "archived_at")
        v["carried_from"] = reader.text(path, objective, "carried_from", REF_LENGTH)
        for message in rules.level_team_errors(v["level"], bool(v["team"])).values():
            # A missing key is said by its name: the file has no field to point at.
            missing = v["level"] == Level.TEAM
            where_team = path if missing else (*path, "team")
            reader.error(
                where_team, _("A team objective needs its “team”.") if missing else message
            )
        krs_path = (*path, "key_results")
        entry.children = [
            _key_result(reader, (*krs_path, n), kr)
            for n, kr in enumerate(reader.sequence(krs_path, objective.get("key_results")))
        ]
        v["initiatives"] = _initiatives(
            reader, (*path, "initiatives"), objective.get("initiatives")
        )
        objectives.append(entry)
    return objectives


def _dependencies(reader: Reader, data: Any) -> list[Entry]:
    dependencies = []
    for index, item in enumerate(reader.sequence(("dependencies",), data)):
        path: Path = ("dependencies", index)
        dependency = reader.mapping(path, item, DEPENDENCY_FIELDS)
        entry = _entry(reader, path, dependency)
        entry.values = {
            "from": reader.text(path, dependency, "from", REF_LENGTH, required=True),
            "from_key_result": reader.text(path, dependency, "from_key_result", REF_LENGTH),
            "to": reader.text(path, dependency, "to", REF_LENGTH, required=True),
            "to_key_result": reader.text(path, dependency, "to_key_result", REF_LENGTH),
            "note": reader.text(path, dependency, "note", SHORT_TEXT),
            "state": reader.choice(
                path, dependency, "state", DependencyState.values, DependencyState.PROPOSED
            ),
            "created_by": reader.text(path, dependency, "created_by", 254).strip().lower(),
        }
        dependencies.append(entry)
    return dependencies


def _reviews(reader: Reader, data: Any) -> list[Entry]:
    reviews = []
    for index, item in enumerate(reader.sequence(("reviews",), data)):
        path: Path = ("reviews", index)
        review = reader.mapping(path, item, REVIEW_FIELDS)
        entry = _entry(reader, path, review)
        v = entry.values
        v["kind"] = reader.choice(path, review, "kind", ReviewKind.values)
        v["cycle"] = reader.text(path, review, "cycle", _max_length(Cycle, "name"), True)
        v["team"] = reader.text(path, review, "team", _max_length(Team, "name"))
        v["held_on"] = reader.day(path, review, "held_on", required=True)
        for name in ("notes", "decisions", *RETRO):
            v[name] = reader.text(path, review, name, LONG_TEXT)
        v["duration_seconds"] = reader.integer(path, review, "duration_seconds", 0, 2**31 - 1)
        v["created_by"] = reader.text(path, review, "created_by", 254).strip().lower()
        reviews.append(entry)
    return reviews


# References -------------------------------------------------------------------------------


class _Index:
    """The file's names, to check what refers to what."""

    def __init__(self, reader: Reader, document: Document) -> None:
        self.reader = reader
        self.people = {p["email"]: p for p in document.people if p["email"]}
        self.teams = _named(reader, document.teams)
        self.kpis = _named(reader, document.kpis)
        self.cycles = _named(reader, document.cycles)
        self.objectives = _named(reader, document.objectives, "ref")
        self.key_results: dict[str, tuple[Entry, Entry]] = {}
        for objective, kr in document.key_results():
            ref = kr["ref"]
            if not ref:
                continue
            if ref in self.key_results:
                reader.error(
                    (*kr.path, "ref"),
                    _("“%(name)s” is already used on line %(line)d.")
                    % {"name": ref, "line": self.key_results[ref][1].line},
                )
                continue
            self.key_results[ref] = (objective, kr)

    def known(
        self,
        names: dict[str, Any],
        name: str,
        path: Path,
        message: str,
    ) -> bool:
        if not name or name in names:
            return bool(name)
        self.reader.error(path, message % {"name": name})
        return False

    def person(self, entry: Entry, name: str, member: bool = False) -> None:
        self.person_at(entry.values.get(name, ""), (*entry.path, name), member)

    def person_at(self, email: str, path: Path, member: bool = False) -> None:
        unknown = _("Unknown person “%(name)s”: add them to people.")
        if not self.known(self.people, email, path, unknown):
            return
        if member and self.people[email]["role"] == FORMER:
            self.reader.error(path, _("%(email)s is no longer a member.") % {"email": email})


def _check_teams(index: _Index, teams: list[Entry]) -> None:
    reader = index.reader
    for team in teams:
        path = (*team.path, "parent")
        if team["parent"] and team["parent"] == team["name"]:
            reader.error(path, _("A team cannot sit inside itself."))
            continue
        index.known(index.teams, team["parent"], path, _("Unknown team “%(name)s”."))
        if team["lead"]:
            index.person(team, "lead", member=True)
        for email, where in team["members"]:
            index.person_at(email, where, member=True)
    _report_loops(
        reader,
        {name: [t["parent"]] if t["parent"] else [] for name, t in index.teams.items()},
        index.teams,
        "parent",
        _("The parent teams go round in a circle."),
    )


def _check_cycles(index: _Index, cycles: list[Entry]) -> None:
    reader = index.reader
    for cycle in cycles:
        path = (*cycle.path, "parent")
        if not index.known(index.cycles, cycle["parent"], path, _("Unknown cycle “%(name)s”.")):
            continue
        parent = index.cycles[cycle["parent"]]
        _rule(
            reader,
            path,
            rules.check_cycle_in_year,
            cycle["kind"],
            parent["kind"],
            (cycle["start"], cycle["end"]),
            (parent["start"], parent["end"]),
        )


def _report_loops(
    reader: Reader,
    edges: dict[str, list[str]],
    entries: dict[str, Entry],
    name: str,
    message: str,
) -> None:
    """Note every loop in a graph of names once, at one of its entries."""
    state: dict[str, int] = {}  # 1: being visited, 2: done
    for start in edges:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges.get(start, [])))]
        state[start] = 1
        while stack:
            node, following = stack[-1]
            step = next(following, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state.get(step) == 1:
                reader.error((*entries[node].path, name), message)
            elif not state.get(step) and step in edges:
                state[step] = 1
                stack.append((step, iter(edges.get(step, []))))


def _check_objectives(index: _Index, objectives: list[Entry]) -> None:
    reader = index.reader
    for objective in objectives:
        path = objective.path
        index.known(
            index.cycles, objective["cycle"], (*path, "cycle"), _("Unknown cycle “%(name)s”.")
        )
        index.known(index.teams, objective["team"], (*path, "team"), _("Unknown team “%(name)s”."))
        index.person(objective, "owner")
        carried = objective["carried_from"]
        if carried and carried == objective["ref"]:
            reader.error((*path, "carried_from"), _("An objective cannot be carried from itself."))
        else:
            index.known(
                index.objectives,
                carried,
                (*path, "carried_from"),
                _("Unknown objective “%(name)s”."),
            )
        seen: set[str] = set()
        for ref, where in objective["parents"]:
            if ref in seen:
                reader.error(where, _("“%(name)s” is listed twice.") % {"name": ref})
            seen.add(ref)
            if ref == objective["ref"]:
                reader.error(where, _("An objective cannot contribute to itself."))
            elif index.known(index.objectives, ref, where, _("Unknown objective “%(name)s”.")):
                _check_parent(index, objective, index.objectives[ref], where)
        for kr in objective.children:
            _check_key_result(index, objective, kr)
        _check_initiatives(index, objective)
    _report_loops(
        reader,
        {ref: [parent for parent, _where in o["parents"]] for ref, o in index.objectives.items()},
        index.objectives,
        "parents",
        _("This alignment would make the objective its own ancestor."),
    )


def _check_parent(index: _Index, objective: Entry, parent: Entry, where: Path) -> None:
    cycle = index.cycles.get(objective["cycle"])
    if cycle and parent["cycle"] in index.cycles:
        _rule(
            index.reader,
            where,
            rules.check_parent_cycle,
            objective["cycle"],
            cycle["parent"],
            parent["cycle"],
        )
    if objective["level"] and parent["level"]:
        _rule(index.reader, where, rules.check_parent_levels, objective["level"], [parent["level"]])


def _check_key_result(index: _Index, objective: Entry, kr: Entry) -> None:
    reader = index.reader
    if kr["owner"]:
        index.person(kr, "owner")
    for email, where in kr["co_owners"]:
        index.person_at(email, where, member=True)
    driver = kr["driven_by"]
    where = (*kr.path, "driven_by")
    if index.known(index.objectives, driver, where, _("Unknown objective “%(name)s”.")):
        child = index.objectives[driver]
        if objective["ref"] not in {ref for ref, _where in child["parents"]}:
            reader.error(
                where, _("Only an objective aligned to this one can drive one of its KRs.")
            )
    for check_in in kr.children:
        if check_in["author"]:
            index.person(check_in, "author")
    _check_initiatives(index, kr)
    for name, where in kr["guardrails"]:
        index.known(index.kpis, name, where, _("Unknown KPI “%(name)s”: add it to kpis."))


def _check_kpis(index: _Index, kpis: list[Entry]) -> None:
    for kpi in kpis:
        team = kpi["team"]
        index.known(index.teams, team, (*kpi.path, "team"), _("Unknown team “%(name)s”."))
        if kpi["owner"]:
            index.person(kpi, "owner")


def _check_initiatives(index: _Index, parent: Entry) -> None:
    for initiative in parent["initiatives"]:
        if initiative["owner"]:
            index.person(initiative, "owner")


def _check_dependencies(index: _Index, dependencies: list[Entry]) -> None:
    reader = index.reader
    unknown = _("Unknown objective “%(name)s”.")
    for dependency in dependencies:
        path = dependency.path
        ends = []
        for side in ("from", "to"):
            ref = dependency[side]
            if index.known(index.objectives, ref, (*path, side), unknown):
                ends.append(index.objectives[ref])
            kr_ref = dependency[f"{side}_key_result"]
            kr_path = (*path, f"{side}_key_result")
            unknown_kr = _("Unknown key result “%(name)s”.")
            if (
                index.known(index.key_results, kr_ref, kr_path, unknown_kr)
                and index.key_results[kr_ref][0]["ref"] != ref
            ):
                reader.error(kr_path, _("This KR is not part of the objective."))
        if dependency["from"] and dependency["from"] == dependency["to"]:
            reader.error((*path, "to"), _("An objective cannot depend on itself."))
        elif len(ends) == 2 and ends[0]["team"] and ends[0]["team"] == ends[1]["team"]:
            reader.error((*path, "to"), _("A dependency links two different teams' objectives."))
        if dependency["created_by"]:
            index.person(dependency, "created_by")


def _check_reviews(index: _Index, reviews: list[Entry]) -> None:
    for review in reviews:
        path = review.path
        index.known(index.cycles, review["cycle"], (*path, "cycle"), _("Unknown cycle “%(name)s”."))
        index.known(index.teams, review["team"], (*path, "team"), _("Unknown team “%(name)s”."))
        if review["created_by"]:
            index.person(review, "created_by")


# The whole file ---------------------------------------------------------------------------


def validate(source: Source) -> tuple[Document | None, list[Problem]]:
    """The file's document and every problem found in it, sorted by line; the document is
    None when the file could not be read at all."""
    reader = Reader(source)
    if source.problems and source.data is None:
        return None, sorted(source.problems, key=lambda p: p.line)
    top = reader.mapping((), source.data, TOP_FIELDS)
    if source.data is None or not isinstance(source.data, dict):
        if source.data is None:
            reader.error((), _("The file is empty."))
        return None, sorted([*source.problems, *reader.problems], key=lambda p: p.line)
    if "version" in top:
        version = reader.integer((), top, "version", 0, 10**6)
        if version is not None and version != VERSION:
            reader.error(
                ("version",),
                _("This file is in version %(version)s of the format; Cible reads %(known)s.")
                % {"version": version, "known": VERSION},
            )
    organization = _organization(reader, top.get("organization"))
    document = Document(
        organization=organization,
        people=_people(reader, top.get("people")),
        teams=_teams(reader, top.get("teams")),
        cycles=_cycles(reader, top.get("cycles")),
        objectives=_objectives(reader, top.get("objectives")),
        dependencies=_dependencies(reader, top.get("dependencies")),
        reviews=_reviews(reader, top.get("reviews")),
        kpis=_kpis(reader, top.get("kpis")),
    )
    index = _Index(reader, document)
    _check_teams(index, document.teams)
    _check_kpis(index, document.kpis)
    _check_cycles(index, document.cycles)
    _check_objectives(index, document.objectives)
    _check_dependencies(index, document.dependencies)
    _check_reviews(index, document.reviews)
    problems = [*source.problems, *reader.problems]
    return document, sorted(problems, key=lambda p: p.line)


def read(text: str) -> tuple[Document | None, list[Problem]]:
    return validate(parse(text))
