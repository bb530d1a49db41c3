"""A large, realistic organisation for measuring Cible: `generate(people=10_000, seed=1)`.

Unlike the demo, nothing here goes through the service functions: they record audit
entries and validate one row at a time, which would take an hour for 10,000 people. Rows
are made in memory and written with `bulk_create` in batches, so the whole organisation
costs a few hundred queries. Every person shares one password hash, computed once.

The shape follows the method: a team hierarchy four levels deep (about one team per ten
people), this year and its four quarters (the running quarter active), 3-5 company
objectives, 3 objectives per team and 2 per person in the running quarter, each with 3-5
key results of every kind, a weekly check-in of most key results for each week elapsed,
about 60 % of objectives set top-down and 40 % bottom-up, a few orphans, a few private
objectives and some dependencies between teams. KPIs: about 2 per team and 5 for the
organisation (every direction), each with two years of weekly values, and a guardrail on
about one key result in 20. The same seed and day give the same data.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.models import CheckIn
from cible.collab.models import Comment, Emoji, InboxItem, InboxKind, Reaction
from cible.kpis.models import KPI, Guardrail, KPIValue
from cible.okrs import alignment
from cible.okrs.models import (
    Cycle,
    CycleState,
    Dependency,
    DependencyState,
    KeyResult,
    KRKind,
    Level,
    Objective,
    Origin,
    Visibility,
)
from cible.okrs.services import create_year_with_quarters
from cible.orgs.models import Membership, Organization, Role, Team, TeamMember

PASSWORD = "cible-bench"
BATCH = 2000
DEPTH = 4
# Share of the teams at each level above the last one (the rest are at the last level).
LEVEL_SHARES = (0.02, 0.08, 0.25)
TOP_DOWN_SHARE = 0.6
ORPHAN_SHARE = 0.05
PRIVATE_SHARE = 0.03
CHECK_IN_SHARE = 0.85  # of KRs checked in each week: discipline is never perfect
KPIS_PER_TEAM = 2
ORGANISATION_KPIS = 5
KPI_WEEKS = 104  # two years of weekly values
GUARDRAIL_SHARE = 0.05
# (name, unit, direction, critical_low, healthy_low, healthy_high, critical_high, typical)
KPI_SHAPES = (
    ("Uptime", "%", "higher", "99", "99.5", None, None, "99.7"),
    ("Support satisfaction", "/5", "higher", "3.8", "4.2", None, None, "4.3"),
    ("Churn", "%", "lower", None, None, "2", "3.5", "1.8"),
    ("First response time", "h", "lower", None, None, "4", "8", "3.5"),
    ("Cash runway", "months", "band", "9", "12", "24", "36", "15"),
)

FIRST_NAMES = [
    "Alice",
    "Adam",
    "Amina",
    "Bruno",
    "Chloé",
    "Claire",
    "David",
    "Emma",
    "Farid",
    "Gabriel",
    "Hugo",
    "Inès",
    "Jade",
    "Jules",
    "Karim",
    "Léa",
    "Louis",
    "Lucie",
    "Manon",
    "Marc",
    "Nina",
    "Noah",
    "Omar",
    "Paul",
    "Rose",
    "Sacha",
    "Sofia",
    "Théo",
    "Yanis",
    "Zoé",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
]
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Product",
    "Support",
    "Finance",
    "Operations",
    "People",
    "Data",
    "Legal",
    "Design",
    "Security",
    "Partnerships",
    "Research",
    "Quality",
    "Procurement",
    "Facilities",
    "Communication",
]
LEVEL_WORDS = ("", "Group", "Team", "Squad")
THEMES = (
    "customer satisfaction",
    "revenue growth",
    "product adoption",
    "delivery speed",
    "hiring",
    "service quality",
    "brand awareness",
    "cost efficiency",
    "reliability",
    "security posture",
    "onboarding",
    "data quality",
)
VERBS = ("Improve", "Grow", "Delight customers with", "Master", "Transform", "Strengthen")


@dataclass(frozen=True)
class KRShape:
    """A kind of key result with typical numbers: start, target, upper bound, unit."""

    kind: str
    title: str
    start: float
    target: float
    target_max: float | None = None
    unit: str = ""


SHAPES = (
    KRShape(KRKind.INCREASE, "Raise monthly active users", 50_000, 100_000),
    KRShape(KRKind.INCREASE, "Raise first-contact resolution", 65, 85, unit="%"),
    KRShape(KRKind.INCREASE, "Raise average contract value", 20_000, 25_000, unit="EUR"),
    KRShape(KRKind.DECREASE, "Cut time-to-hire", 60, 35, unit="days"),
    KRShape(KRKind.DECREASE, "Cut first-response time", 4, 1, unit="h"),
    KRShape(KRKind.STAY_ABOVE, "Keep CSAT above", 95, 90, unit="%"),
    KRShape(KRKind.STAY_BELOW, "Keep monthly churn below", 2, 3, unit="%"),
    KRShape(KRKind.STAY_BETWEEN, "Keep the backlog between", 40, 20, 60, unit="tickets"),
    KRShape(KRKind.MILESTONE, "Launch the new onboarding", 0, 1),
)


@dataclass
class Result:
    organization: Organization
    owner: User
    email: str
    password: str
    quarter: Cycle
    counts: dict[str, int] = field(default_factory=dict)


def _batched(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for index in range(0, len(rows), size):
        yield rows[index : index + size]


def _insert(model: Any, rows: list[Any]) -> list[Any]:
    """Insert in batches; the rows come back with their primary keys (SQLite and
    PostgreSQL both return them)."""
    for chunk in _batched(rows):
        model.objects.bulk_create(chunk)
    return rows


def email_for(slug: str, index: int) -> str:
    return f"person{index + 1}@{slug}.cible.test"


def _level_sizes(team_count: int) -> list[int]:
    """How many teams at each of the four levels: at least one per level."""
    upper = [max(1, round(team_count * share)) for share in LEVEL_SHARES]
    return [*upper, max(1, team_count - sum(upper))]


class _Builder:
    def __init__(self, org: Organization, people: int, rng: random.Random, today: date) -> None:
        self.org = org
        self.people = people
        self.rng = rng
        self.today = today
        self.users: list[User] = []
        self.roles: list[str] = []
        self.levels: list[list[Team]] = []
        self.members: dict[int, list[User]] = {}  # team id -> its members
        self.team_of: dict[int, Team] = {}  # user id -> their main team
        self.objectives: list[Objective] = []
        self.key_results: list[KeyResult] = []
        self.links: list[Any] = []
        self.readings: list[list[tuple[datetime, Decimal, int]]] = []
        self.check_ins = 0
        self.dependencies = 0
        self.writers: set[int] = set()
        self.kpis: list[KPI] = []
        self.kpi_values = 0
        self.guardrails = 0

    # People and teams -----------------------------------------------------------------

    def role(self, index: int) -> str:
        if index == 0:
            return Role.OWNER
        if index <= max(1, self.people // 100):
            return Role.ADMIN
        return Role.VIEWER if index % 20 == 19 else Role.MEMBER

    def add_people(self) -> None:
        # One hash for everyone: hashing 10,000 passwords would take minutes.
        password = make_password(PASSWORD)
        joined = timezone.now()
        for index in range(self.people):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            self.users.append(
                User(
                    email=email_for(self.org.slug, index),
                    name=name,
                    password=password,
                    date_joined=joined,
                )
            )
            self.roles.append(self.role(index))
        _insert(User, self.users)
        _insert(
            Membership,
            [
                Membership(organization=self.org, user=user, role=role)
                for user, role in zip(self.users, self.roles, strict=True)
            ],
        )

    def add_teams(self) -> None:
        sizes = _level_sizes(max(DEPTH, round(self.people / 10)))
        number = 0
        for depth, size in enumerate(sizes):
            level = []
            parents = self.levels[-1] if self.levels else []
            for index in range(size):
                parent = parents[index % len(parents)] if parents else None
                department = DEPARTMENTS[index % len(DEPARTMENTS)] if parent is None else ""
                number += 1
                if parent is None:
                    suffix = index // len(DEPARTMENTS)
                    name = f"{department} {suffix + 1}" if suffix else department
                else:
                    root = parent.name.split(" ")[0]
                    name = f"{root} {LEVEL_WORDS[depth]} {number}"
                level.append(Team(organization=self.org, name=name, parent=parent))
            self.levels.append(_insert(Team, level))
        self.assign_members()

    def assign_members(self) -> None:
        """Everyone in one team, round the whole hierarchy (about ten per team); one person
        in twenty in a second team; the first writer of each team leads it."""
        teams = [team for level in self.levels for team in level]
        rows = []
        for index, user in enumerate(self.users):
            team = teams[index % len(teams)]
            self.members.setdefault(team.pk, []).append(user)
            self.team_of[user.pk] = team
            rows.append(TeamMember(team=team, user=user))
            if index % 20 == 7 and len(teams) > 1:
                other = teams[(index * 7 + 1) % len(teams)]
                if other.pk != team.pk:
                    self.members.setdefault(other.pk, []).append(user)
                    rows.append(TeamMember(team=other, user=user))
        _insert(TeamMember, rows)
        pairs = zip(self.users, self.roles, strict=True)
        writers = {user.pk for user, role in pairs if role != Role.VIEWER}
        for team in teams:
            people = self.members.get(team.pk, [])
            team.lead = next((u for u in people if u.pk in writers), None)
        Team.objects.bulk_update(teams, ["lead"], batch_size=BATCH)
        self.writers = writers

    # Objectives and key results -------------------------------------------------------

    def title(self) -> str:
        return f"{self.rng.choice(VERBS)} {self.rng.choice(THEMES)}"

    def objective(self, cycle: Cycle, level: str, owner: User, team: Team | None) -> Objective:
        person = level == Level.PERSON
        private = person and self.rng.random() < PRIVATE_SHARE
        return Objective(
            organization=self.org,
            cycle=cycle,
            title=self.title(),
            description="",
            level=level,
            team=team,
            owner=owner,
            origin=Origin.TOP_DOWN if self.rng.random() < TOP_DOWN_SHARE else Origin.BOTTOM_UP,
            visibility=Visibility.PRIVATE if private else Visibility.ORGANIZATION,
        )

    def align(
        self, objectives: list[tuple[Objective, Any]], parents: dict[Any, list[Objective]]
    ) -> None:
        """Link each objective to one of its group's parents, a few left as orphans."""
        through = Objective.parents.through
        for objective, key in objectives:
            candidates = parents.get(key) or []
            if candidates and self.rng.random() >= ORPHAN_SHARE:
                parent = self.rng.choice(candidates)
                self.links.append(through(from_objective_id=objective.pk, to_objective=parent))

    def add_objectives(self, quarter: Cycle) -> None:
        admins = [u for u, r in zip(self.users, self.roles, strict=True) if r != Role.VIEWER]
        company = [
            self.objective(quarter, Level.COMPANY, admins[i % 3], None)
            for i in range(self.rng.randint(3, 5))
        ]
        for position, objective in enumerate(company):
            objective.position = position
        _insert(Objective, company)
        self.objectives.extend(company)
        above: dict[Any, list[Objective]] = {None: company}
        for level in self.levels:
            made: list[tuple[Objective, Any]] = []
            for team in level:
                owner = team.lead or self.users[0]
                for position in range(3):
                    objective = self.objective(quarter, Level.TEAM, owner, team)
                    objective.position = position
                    made.append((objective, team.parent_id))
            _insert(Objective, [o for o, _key in made])
            self.align(made, above)
            above = {}
            for objective, _key in made:
                above.setdefault(objective.team_id, []).append(objective)
            self.objectives.extend(o for o, _key in made)
        self.add_personal_objectives(quarter)

    def add_personal_objectives(self, quarter: Cycle) -> None:
        by_team: dict[Any, list[Objective]] = {}
        for objective in self.objectives:
            if objective.team_id is not None:
                by_team.setdefault(objective.team_id, []).append(objective)
        made: list[tuple[Objective, Any]] = []
        for user in self.users:
            if user.pk not in self.writers:
                continue
            team = self.team_of[user.pk]
            for position in range(2):
                objective = self.objective(quarter, Level.PERSON, user, None)
                objective.position = position
                made.append((objective, team.pk))
        _insert(Objective, [o for o, _key in made])
        self.align(made, by_team)
        self.objectives.extend(o for o, _key in made)
        _insert(Objective.parents.through, self.links)
        # Links written in bulk send no signal: each objective's flag in one statement.
        alignment.refresh(Objective.objects.filter(cycle=quarter))

    def add_key_results(self, quarter: Cycle) -> None:
        for objective in self.objectives:
            team_people = self.members.get(objective.team_id or 0, [])
            helpers = [u for u in team_people if u.pk in self.writers] or [objective.owner]
            for position in range(self.rng.randint(3, 5)):
                shape = self.rng.choice(SHAPES)
                owner = objective.owner if position == 0 else self.rng.choice(helpers)
                self.key_results.append(
                    KeyResult(
                        objective=objective,
                        title=f"{shape.title} ({objective.pk}.{position + 1})",
                        kind=shape.kind,
                        start=Decimal(str(shape.start)),
                        target=Decimal(str(shape.target)),
                        target_max=None
                        if shape.target_max is None
                        else Decimal(str(shape.target_max)),
                        current=Decimal(str(shape.start)),
                        unit=shape.unit,
                        owner=owner,
                        position=position,
                    )
                )
        self.simulate(quarter)
        _insert(KeyResult, self.key_results)

    # Check-ins ------------------------------------------------------------------------

    def moments(self, quarter: Cycle) -> list[datetime]:
        """One check-in time a week, on the organisation's check-in day, up to now."""
        zone = timezone.get_current_timezone()
        now = timezone.now()
        offset = (self.org.checkin_weekday - quarter.start.weekday()) % 7
        day = quarter.start + timedelta(days=offset)
        moments = []
        while day <= min(self.today, quarter.end):
            moment = timezone.make_aware(datetime.combine(day, time(10, 0)), zone)
            if moment <= now:
                moments.append(moment)
            day += timedelta(days=7)
        return moments

    def reading(self, shape: KeyResult, share: float) -> Decimal:
        """A plausible value at `share` of the way to the target, with some noise."""
        start, target = float(shape.start), float(shape.target)
        noise = self.rng.uniform(-0.15, 0.1)
        if shape.kind == KRKind.MILESTONE:
            return Decimal(1) if share > 0.8 and self.rng.random() < 0.5 else Decimal(0)
        if shape.kind in (KRKind.INCREASE, KRKind.DECREASE):
            value = start + (target - start) * max(0.0, share * self.rng.uniform(0.6, 1.2) + noise)
        elif shape.kind == KRKind.STAY_BETWEEN:
            upper = float(shape.target_max or target)
            value = self.rng.uniform(target * 0.9, upper * 1.05)
        else:
            value = target * (1 + noise / 3)
        return Decimal(str(round(value, 2)))

    def simulate(self, quarter: Cycle) -> None:
        """Each KR's weekly readings; its current value and confidence are the last one's,
        set before the KRs are written (no update of 90,000 rows afterwards)."""
        moments = self.moments(quarter)
        span = max(1, (quarter.end - quarter.start).days)
        shares = [(moment, (moment.date() - quarter.start).days / span) for moment in moments]
        for kr in self.key_results:
            readings = [
                (moment, self.reading(kr, share), self.rng.randint(2, 10))
                for moment, share in shares
                if self.rng.random() <= CHECK_IN_SHARE
            ]
            if readings:
                kr.last_check_in_at, kr.current, kr.confidence = readings[-1]
            self.readings.append(readings)

    def add_check_ins(self) -> None:
        rows: list[CheckIn] = []
        for kr, readings in zip(self.key_results, self.readings, strict=True):
            for moment, value, confidence in readings:
                rows.append(
                    CheckIn(
                        key_result=kr,
                        author_id=kr.owner_id,
                        value=value,
                        confidence=confidence,
                        created_at=moment,
                    )
                )
            if len(rows) >= BATCH * 5:
                self.flush(rows)
        self.flush(rows)

    def flush(self, rows: list[CheckIn]) -> None:
        _insert(CheckIn, rows)
        self.check_ins += len(rows)
        rows.clear()

    def add_kpis(self) -> None:
        """KPIs of every team and of the organisation, each with two years of weekly values
        around their healthy range, and their latest value and status on their row."""
        teams: list[Team | None] = [t for level in self.levels for t in level]
        owners = [None, *teams]
        kpis: list[KPI] = []
        series: list[list[tuple[datetime, Decimal]]] = []
        end = timezone.make_aware(datetime.combine(self.today, time(9)))
        for team in owners:
            for index in range(ORGANISATION_KPIS if team is None else KPIS_PER_TEAM):
                shape = KPI_SHAPES[(index + (team.pk if team else 0)) % len(KPI_SHAPES)]
                name, unit, direction, *bounds, typical = shape
                low_c, low_h, high_h, high_c = (None if b is None else Decimal(b) for b in bounds)
                kpi = KPI(
                    organization=self.org,
                    team=team,
                    name=name,
                    unit=unit,
                    direction=direction,
                    critical_low=low_c,
                    healthy_low=low_h,
                    healthy_high=high_h,
                    critical_high=high_c,
                )
                base = float(Decimal(typical))
                spread = abs(base) * 0.04 or 1.0
                points = [
                    (
                        end - timedelta(weeks=week),
                        Decimal(f"{base + self.rng.gauss(0, spread):.2f}"),
                    )
                    for week in range(KPI_WEEKS - 1, -1, -1)
                ]
                measured_at, value = points[-1]
                kpi.last_value, kpi.last_measured_at = value, measured_at
                kpi.status, kpi.status_since = kpi.status_of(value), measured_at
                kpis.append(kpi)
                series.append(points)
        _insert(KPI, kpis)
        values = [
            KPIValue(kpi=kpi, value=v, measured_at=at, status=kpi.status_of(v), origin="api")
            for kpi, points in zip(kpis, series, strict=True)
            for at, v in points
        ]
        _insert(KPIValue, values)
        self.kpis, self.kpi_values = kpis, len(values)
        by_team: dict[int | None, list[KPI]] = {}
        for kpi in kpis:
            by_team.setdefault(kpi.team_id, []).append(kpi)
        guardrails = []
        for kr in self.key_results:
            if self.rng.random() < GUARDRAIL_SHARE:
                objective = kr.objective
                choices = by_team.get(objective.team_id) or by_team[None]
                guardrails.append(Guardrail(key_result=kr, kpi=self.rng.choice(choices)))
        _insert(Guardrail, guardrails)
        self.guardrails = len(guardrails)

    def add_dependencies(self) -> None:
        team_objectives = [o for o in self.objectives if o.level == Level.TEAM]
        states = list(DependencyState)
        rows = []
        for _index in range(len(team_objectives) // 6):
            source, target = self.rng.sample(team_objectives, 2)
            if source.team_id == target.team_id:
                continue
            rows.append(
                Dependency(
                    organization=self.org,
                    from_objective=source,
                    to_objective=target,
                    note="",
                    state=self.rng.choice(states),
                    created_by=source.owner,
                )
            )
        _insert(Dependency, rows)
        self.dependencies = len(rows)


def _quarter(org: Organization, today: date) -> Cycle:
    """This year and its quarters: the running ones active, past quarters closed."""
    year = create_year_with_quarters(org, today.year)
    quarters = Cycle.objects.filter(parent=year)
    quarters.filter(end__lt=today).update(state=CycleState.CLOSED)
    quarters.filter(start__gt=today).update(state=CycleState.PLANNING)
    Cycle.objects.filter(organization=org, start__lte=today, end__gte=today).update(
        state=CycleState.ACTIVE
    )
    return quarters.get(start__lte=today, end__gte=today)


@transaction.atomic
def generate(people: int, seed: int = 1, slug: str = "bench", today: date | None = None) -> Result:
    """Create the organisation `slug` with `people` people; refuse an existing slug."""
    if people < 4:
        raise ValueError("An organisation of at least 4 people is needed.")
    if Organization.objects.filter(slug=slug).exists():
        raise ValueError(f"The organisation {slug!r} already exists.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    org = Organization.objects.create(name=f"Bench {people}", slug=slug)
    quarter = _quarter(org, today)
    builder = _Builder(org, people, rng, today)
    builder.add_people()
    builder.add_teams()
    builder.add_objectives(quarter)
    builder.add_key_results(quarter)
    builder.add_check_ins()
    builder.add_dependencies()
    builder.add_kpis()
    comments = add_comments(org, rng)
    owner = builder.users[0]
    from allauth.account.models import EmailAddress

    # The one known sign-in, usable even where e-mail verification is mandatory.
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    counts = {
        "people": len(builder.users),
        "teams": sum(len(level) for level in builder.levels),
        "objectives": len(builder.objectives),
        "key_results": len(builder.key_results),
        "check_ins": builder.check_ins,
        "alignments": len(builder.links),
        "dependencies": builder.dependencies,
        "comments": comments,
        "kpis": len(builder.kpis),
        "kpi_values": builder.kpi_values,
        "guardrails": builder.guardrails,
    }
    return Result(org, owner, owner.email, PASSWORD, quarter, counts)


COMMENTS_ON_ONE = 50
INBOX_ITEMS = 60


def commented_objective(org: Organization, reader: Membership) -> Objective:
    """The objective whose page shows `COMMENTS_ON_ONE` comments: the first company
    objective of the running cycle that everyone may see."""
    cycle = Cycle.objects.current_for(org)
    return (
        Objective.objects.visible_to(reader)
        .filter(cycle=cycle, level=Level.COMPANY, visibility=Visibility.ORGANIZATION)
        .order_by("id")
        .first()
    ) or Objective.objects.visible_to(reader).filter(cycle=cycle).order_by("id")[0]


def add_comments(org: Organization, rng: random.Random) -> int:
    """A discussion of `COMMENTS_ON_ONE` comments on one objective (some mentioning the
    reader, some with reactions), one comment on every tenth other objective, and a full
    inbox for the reader (mentions of them, unread and read)."""
    reader = sample_member(org)
    target = commented_objective(org, reader)
    people = list(
        User.objects.filter(memberships__organization=org)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    handle = reader.user.email.split("@")[0]
    now = timezone.now()
    rows = [
        Comment(
            organization=org,
            objective=target,
            author_id=rng.choice(people),
            body=(f"@{handle} " if index % 5 == 0 else "") + rng.choice(COMMENT_TEXTS),
            created_at=now - timedelta(hours=COMMENTS_ON_ONE - index),
        )
        for index in range(COMMENTS_ON_ONE)
    ]
    others = Objective.objects.filter(organization=org).exclude(pk=target.pk).order_by("id")
    rows += [
        Comment(
            organization=org,
            objective_id=pk,
            author_id=rng.choice(people),
            body=rng.choice(COMMENT_TEXTS),
            created_at=now - timedelta(days=1),
        )
        for pk in others.values_list("id", flat=True)[::10]
    ]
    _insert(Comment, rows)
    discussion = rows[:COMMENTS_ON_ONE]
    mentioning = [c for c in discussion if c.body.startswith("@")]
    _insert(
        Comment.mentions.through,
        [Comment.mentions.through(comment_id=c.pk, user_id=reader.user_id) for c in mentioning],
    )
    emojis = list(Emoji)
    _insert(
        Reaction,
        [
            Reaction(organization=org, objective=target, comment=c, user_id=user_id, emoji=emoji)
            for c in discussion[::3]
            for user_id, emoji in zip(rng.sample(people, 3), rng.sample(emojis, 3), strict=True)
        ],
    )
    _insert(
        InboxItem,
        [
            InboxItem(
                organization=org,
                recipient_id=reader.user_id,
                kind=InboxKind.MENTION,
                actor_id=discussion[index % COMMENTS_ON_ONE].author_id,
                objective=target,
                comment=discussion[index % COMMENTS_ON_ONE],
                created_at=now - timedelta(minutes=index),
                read_at=now if index % 2 else None,
                mailed_at=now,
            )
            for index in range(INBOX_ITEMS)
        ],
    )
    return len(rows)


COMMENT_TEXTS = (
    "Good progress this week, thanks for the update.",
    "Can we talk about the blockers at the weekly meeting?",
    "The target looks ambitious: what would 70 % look like?",
    "Customer interviews confirm the direction.",
    "I moved the launch to next sprint, see the check-in.",
    "Nice! This unblocks the platform team.",
)


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as `cible worker` (SQLite) or autovacuum
    (PostgreSQL) would gather them. On PostgreSQL, outside a transaction, VACUUM too, as
    autovacuum would: the rows a migration or a load test updated leave dead versions
    behind (220,000 of them in the objectives' table at 100,000 people, after migration
    okrs 0007: search took 77-99 ms instead of 40-49), and a PostgreSQL server may run
    with autovacuum off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def sample_member(org: Organization) -> Membership:
    """A realistic reader for measurements: a plain member (no admin shortcut) who owns
    key results in a team with a parent team, the first such in a stable order."""
    return (
        Membership.objects.select_related("user", "organization")
        .filter(
            organization=org,
            role=Role.MEMBER,
            user__owned_key_results__isnull=False,
            user__teams__parent__parent__isnull=False,
        )
        .order_by("user_id")
        .first()
    ) or Membership.objects.select_related("user", "organization").get(
        organization=org, role=Role.OWNER
    )


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    htmx: bool = False


@dataclass(frozen=True)
class Subjects:
    """What the measured pages show, chosen the same way in every organisation."""

    cycle: Cycle
    team: Team
    objective: Objective
    key_result: KeyResult
    root: Objective
    kpi: KPI | None = None  # one of the team's, with its history


def subjects(org: Organization, reader: Membership) -> Subjects:
    """The reader's team, its first objective with one of its checked-in key results, and
    the first company objective (whose children the tree expands)."""
    cycle = Cycle.objects.current_for(org)
    assert cycle is not None
    teams = reader.user.teams.order_by("id")
    team = teams.filter(parent__isnull=False).first() or teams.first()
    assert team is not None
    objective = Objective.objects.filter(cycle=cycle, team=team).order_by("position", "id").first()
    assert objective is not None
    key_result = (
        KeyResult.objects.filter(objective=objective, check_ins__isnull=False)
        .order_by("position", "id")
        .first()
    ) or objective.key_results.order_by("position", "id").first()
    assert key_result is not None
    root = Objective.objects.filter(cycle=cycle, level=Level.COMPANY).order_by("id").first()
    assert root is not None
    kpi = KPI.objects.filter(team=team).order_by("id").first()
    return Subjects(cycle, team, objective, key_result, root, kpi)


def pages(org: Organization, reader: Membership, chosen: Subjects) -> list[Page]:
    """The main pages and partials, as `reader` would open them."""
    base = f"/o/{org.slug}"
    return [
        Page("organisation home", f"{base}/"),
        Page("team page", f"{base}/teams/{chosen.team.pk}/"),
        Page("person page", f"{base}/people/{reader.user_id}/"),
        Page("objective page", f"{base}/objectives/{chosen.objective.pk}/"),
        Page(
            "objective page, 50 comments",
            f"{base}/objectives/{commented_objective(org, reader).pk}/",
        ),
        Page("inbox", f"{base}/inbox/"),
        Page("KR page with its chart", f"{base}/key-results/{chosen.key_result.pk}/"),
        *([Page("KPI page", f"{base}/kpis/{chosen.kpi.pk}/")] if chosen.kpi else []),
        Page("alignment tree, first render", f"{base}/tree/"),
        Page("alignment tree, one expansion", f"{base}/tree/{chosen.root.pk}/children/", True),
        Page("alignment tree, unaligned objectives", f"{base}/tree/orphans/?orphans=1", True),
        Page("dashboard", f"{base}/dashboard/"),
        Page("my check-in page", f"{base}/check-in/"),
        Page("search", f"{base}/search/?q=growth"),
        Page("alignment map, first render", f"{base}/map/"),
        Page("alignment map, one card open", f"{base}/map/?open={chosen.root.pk}"),
        Page("team dashboard, rhythm", f"{base}/teams/{chosen.team.pk}/dashboard/rhythm/"),
        Page("objective page with forecasts, company", f"{base}/objectives/{chosen.root.pk}/"),
        Page(
            "dependency chain",
            f"{base}/objectives/{chosen.objective.pk}/dependencies/chain/",
        ),
    ]


def api_pages(org: Organization, chosen: Subjects) -> list[Page]:
    api = f"/api/v1/orgs/{org.slug}"
    return [
        Page("API: list objectives", f"{api}/objectives?cycle={chosen.cycle.pk}"),
        Page("API: get one objective", f"{api}/objectives/{chosen.objective.pk}"),
        Page("API: objective forecast", f"{api}/objectives/{chosen.root.pk}/forecast"),
    ]
