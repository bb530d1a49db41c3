"""The permissions matrix: every URL of the project, what each kind of person gets from it,
and tenant isolation (another organisation's ids are a 404 everywhere).

- anonymous: nobody logged in            - outsider: oscar, owner of Globex only
- viewer: vera                           - member: mia, a plain member of Product
- lead: bob, who leads Product           - admin: adam            - owner: alice

The OKR targets belong to Product but are owned by adam: bob reaches them only as Product's
lead, and mia (in Product, owning nothing there) not at all.

A URL pattern without an entry in TABLE fails `test_every_url_has_an_entry`: write its row
(who gets what) when adding a view. A known violation of the rules is a strict xfail in
KNOWN_BUGS or ISOLATION_BUGS, never a weaker row.

The world is built once for the module; pytest-django rolls each test back, so an allowed
POST by one role never changes what the next case sees.
"""

import base64
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cible.accounts.models import User
from cible.checkins.models import DecisionPrompt
from cible.checkins.services import record_check_in
from cible.collab.models import InboxItem
from cible.collab.services import create_comment
from cible.inbound import secrets as inbound_secrets
from cible.inbound.chat import link_token as chat_link_token
from cible.inbound.models import ChatIntegration, Platform
from cible.kpis.services import create_kpi
from cible.okrs.models import Cycle, Dependency, KeyResult, Level, Objective
from cible.okrs.services import (
    create_dependency,
    create_initiative,
    create_key_result,
    create_objective,
)
from cible.orgs.models import Invitation, Membership, Role, Team, TeamMember
from cible.orgs.services import create_invitation
from cible.webhooks.events import new_delivery
from cible.webhooks.models import DeliveryState, Event
from cible.webhooks.services import create_endpoint
from conftest import World, build_world, make_user

ROLES = ("anonymous", "outsider", "viewer", "member", "lead", "admin", "owner")
ACME_ROLES = ROLES[2:]
METHODS = ("GET", "POST")

# What the matrix leaves out, and why. Keys are URL namespaces or included URLconf modules.
SKIPPED = {
    "admin": "Django's admin site: staff accounts only, guarded by Django itself, not by roles",
    "django.conf.urls.i18n": "set_language: public by design, it only sets the visitor's language",
    "api": "the JSON API under /api/v1/: JSON answers (401, not a redirect to the login page) "
    "and bearer tokens; every operation of its OpenAPI schema is in its own matrix, "
    "cible/api/tests/test_permission_matrix.py",
}

# Expected outcomes. Denials are exact; an allowed POST may redirect, re-render or refuse
# its (valid) input, but never fail.
LOGIN = "302 to the login page"
OK, FOUND, DENIED, HIDDEN, NOT_ALLOWED = 200, 302, 403, 404, 405
ALLOWED = frozenset({200, 302, 422})

Expected = int | str | frozenset[int]
Rules = dict[str, Expected]


def rules(
    viewer: Expected,
    member: Expected,
    lead: Expected,
    admin: Expected,
    owner: Expected,
    *,
    anonymous: Expected = LOGIN,
    outsider: Expected = HIDDEN,
) -> Rules:
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "viewer": viewer,
        "member": member,
        "lead": lead,
        "admin": admin,
        "owner": owner,
    }


# Reading: every member of the organisation, viewers included.
READ = rules(OK, OK, OK, OK, OK)
# Forms to change an OKR: those who may change it (its team's lead, admins, owners).
EDIT_FORM = rules(DENIED, DENIED, OK, OK, OK)
# Forms of what a team's members change too (its KPIs).
TEAM_FORM = rules(DENIED, OK, OK, OK, OK)
# Writing for oneself: every member but viewers.
WRITE = rules(DENIED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)
# Changing the team's OKRs or the team: its lead (not a plain member), admins, owners.
MANAGE = rules(DENIED, DENIED, ALLOWED, ALLOWED, ALLOWED)
# Organisation-wide settings: admins and owners.
ADMIN = rules(DENIED, DENIED, DENIED, ALLOWED, ALLOWED)
ADMIN_PAGE = rules(DENIED, DENIED, DENIED, OK, OK)
MOVED, UNAUTHORIZED = 301, 401


def everyone(expected: Expected) -> Rules:
    """Pages outside organisations that answer all alike, signed in or not."""
    return rules(*(expected,) * 5, anonymous=expected, outsider=expected)


def signed_in(expected: Expected, anonymous: Expected = LOGIN) -> Rules:
    """Pages of one's own account: the same for every signed-in person."""
    return rules(*(expected,) * 5, anonymous=anonymous, outsider=expected)


def entrance(anonymous: Expected) -> Rules:
    """Sign-in and sign-up: for the anonymous; the signed-in are sent home."""
    return signed_in(FOUND, anonymous=anonymous)


@dataclass
class Side:
    """One organisation's objects of each kind, as URL arguments take them."""

    slug: str
    team: Team
    cycle: Cycle
    next_cycle: Cycle
    objective: Objective
    kr: KeyResult
    dependency: Dependency
    membership: Membership
    person: User
    initiative: Any = None  # one initiative of `kr`, set once the side is built
    # Set once the side is built (`_add_webhook`): an endpoint and one failed delivery.
    webhook: Any = None
    webhook_delivery: Any = None
    chat: Any = None  # a Teams chat that sends its commands (`_add_webhook`)
    # A check-in of `kr`, a comment of its owner's on the objective, and an inbox item of that
    # owner's (`_add_collab`).
    check_in: Any = None
    comment: Any = None
    inbox_item: Any = None
    kpi: Any = None  # a KPI of the team's (`_add_kpi`)
    prompt: Any = None  # a decision prompt on `kr` (`_add_collab`)


@dataclass
class Ctx:
    world: World
    mia: User
    acme: Side
    globex: Side
    platform_objective: Objective
    invitation: Invitation
    globex_year: Cycle
    users: dict[str, User | None] = field(default_factory=dict)


Body = Callable[[Ctx, User | None], dict[str, Any]]


def no_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Spec:
    get: Rules | None = None
    post: Rules | None = None
    ids: tuple[str, ...] = ()  # Side attributes, in the URL's order, after the slug
    extra: tuple[str, ...] = ()  # literal arguments after the ids
    query: str = ""
    body: Body = no_body
    org: bool = True  # under /o/<slug>/
    args: Callable[[Ctx], tuple[Any, ...]] | None = None  # for URLs outside organisations

    def rules(self, method: str) -> Rules | None:
        return self.get if method == "GET" else self.post

    def url(
        self, name: str, ctx: Ctx, slug: str | None = None, sides: tuple[Side, ...] = ()
    ) -> str:
        """The URL under `slug` (Acme's by default) with the ids of `sides`, one per id."""
        if name.startswith("/"):  # an unnamed pattern of allauth's, named by its route
            return name
        if self.args is not None:
            args: list[Any] = list(self.args(ctx))
        else:
            sides = sides or (ctx.acme,) * len(self.ids)
            args = [slug or ctx.acme.slug] if self.org else []
            args += [getattr(side, attr).pk for side, attr in zip(sides, self.ids, strict=True)]
            args += list(self.extra)
        return reverse(name, args=args) + (f"?{self.query}" if self.query else "")


def _add_webhook(side: Side, org: Any, admin: User) -> None:
    side.webhook = create_endpoint(
        org, admin, f"https://hooks.example.com/{side.slug}", [Event.CHECK_IN_RECORDED]
    )
    side.webhook_delivery = new_delivery(
        side.webhook, Event.CHECK_IN_RECORDED, {}, timezone.now(), side.slug
    )
    side.webhook_delivery.state = DeliveryState.FAILED
    side.webhook_delivery.save()
    side.chat = ChatIntegration.objects.create(
        organization=org,
        platform=Platform.TEAMS,
        public_id=f"teams-{side.slug}",
        secret=inbound_secrets.encrypt(TEAMS_TOKEN),
    )


def _add_collab(side: Side, owner: User, other: User) -> None:
    side.check_in = record_check_in(side.kr, side.kr.owner, Decimal(5))
    side.comment = create_comment(side.objective, owner, "A comment of the owner's")
    reply = create_comment(side.objective, other, "A reply", reply_to=side.comment)
    side.inbox_item = InboxItem.objects.get(recipient=owner, comment=reply)
    facts = {"low": "1", "high": "2", "target": "10", "end": "2026-12-31"}
    side.prompt = DecisionPrompt.objects.create(
        organization=side.kr.objective.organization,
        key_result=side.kr,
        reason="forecast",
        facts=facts,
    )


def _add_kpi(side: Side, org: Any, author: User) -> None:
    side.kpi = create_kpi(
        org,
        author,
        name=f"{side.slug} uptime" if side.slug == "acme" else "Globex secret uptime",
        direction="higher",
        healthy_low=Decimal(99),
        critical_low=Decimal(98),
        team=side.team,
    )


# Minimal valid bodies.

TEAMS_TOKEN = base64.b64encode(b"matrix-teams-token").decode()


def chat_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {"platform": "teams", "security_token": TEAMS_TOKEN}


def _chat_link(ctx: Ctx) -> tuple[str]:
    return (chat_link_token(ctx.acme.chat, "29:matrix-user", "Matrix"),)


def settings_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {
        "name": "Acme Corp",
        "language": "en",
        "time_zone": "Europe/Paris",
        "checkin_weekday": 1,
        "checkin_time": "09:00",
        "score_display": "percent",
        "at_risk_gap": "0.10",
        "off_track_gap": "0.25",
        "at_risk_confidence": 5,
        "off_track_confidence": 3,
    }


def objective_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    """The target objective as it is: a save that changes nothing."""
    objective = ctx.acme.objective
    return {
        "title": objective.title,
        "description": "",
        "level": Level.TEAM,
        "team": ctx.acme.team.pk,
        "owner": objective.owner_id,
        "parents": [ctx.world.company_objective.pk],
        "visibility": "organization",
        "state": "active",
    }


def new_objective_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    """A personal objective of one's own: what every writer may create."""
    return {
        "title": "Learn the domain",
        "description": "",
        "level": Level.PERSON,
        "owner": user.pk if user else ctx.world.alice.pk,
        "visibility": "organization",
        "state": "active",
    }


def key_result_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {
        "title": "Release to both stores",
        "kind": "increase",
        "start": "0",
        "target": "10",
        "unit": "",
        "weight": "1",
        "owner": ctx.world.adam.pk,
        "due_date": "",
    }


def initiative_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {
        "title": "Submit the build to review",
        "key_result": ctx.acme.kr.pk,
        "owner": ctx.world.adam.pk,
        "state": "in_progress",
        "due_date": "",
        "link": "https://tickets.example.com/42",
    }


def check_in_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {f"kr-{ctx.acme.kr.pk}-value": "3", f"kr-{ctx.acme.kr.pk}-confidence": "7"}


def notes_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {"notes": "We talked", "decisions": "We decided"}


def retro_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {"worked": "a", "did_not_work": "b", "learned": "c", "celebrate": "d"}


def webhook_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {"url": "https://hooks.example.com/new", "events": ["objective.created"]}


def kpi_body(ctx: Ctx, user: User | None) -> dict[str, Any]:
    return {
        "name": "Uptime",
        "team": ctx.acme.team.pk,
        "unit": "%",
        "direction": "higher",
        "healthy_low": "99",
        "critical_low": "98",
        "rhythm": "weekly",
    }


def body(**data: Any) -> Body:
    return lambda ctx, user: data


def _alice_token(ctx: Ctx) -> int:
    """The id of a token of the owner's: only she may revoke it."""
    from cible.api.models import ApiToken
    from cible.api.tokens import create_token

    token = ApiToken.objects.filter(user=ctx.world.alice).first()
    return (token or create_token(ctx.world.alice, "Owner's script")[0]).pk


TABLE: dict[str, Spec] = {
    # Outside organisations.
    "home": Spec(get=rules(FOUND, FOUND, FOUND, FOUND, FOUND, outsider=FOUND), org=False),
    # The theme is the visitor's own preference, like the language: anyone may set it.
    "set_theme": Spec(
        get=everyone(NOT_ALLOWED), post=everyone(FOUND), body=body(theme="dark"), org=False
    ),
    "org_create": Spec(
        get=rules(OK, OK, OK, OK, OK, outsider=OK),
        post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, outsider=ALLOWED),
        body=body(name="Initech", language="en", time_zone="Europe/Paris"),
        org=False,
    ),
    # The token is the key: whoever holds the link sees the invitation; logged in, accepts it.
    "invitation_accept": Spec(
        get=rules(OK, OK, OK, OK, OK, anonymous=OK, outsider=OK),
        post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, anonymous=OK, outsider=ALLOWED),
        org=False,
        args=lambda ctx: (ctx.invitation.token,),
    ),
    # Operations: the health check is public (load balancers); the metrics are off unless
    # CIBLE_METRICS is set (cible/ops/tests/test_metrics.py covers them on, and their token).
    "healthz": Spec(
        get=rules(OK, OK, OK, OK, OK, anonymous=OK, outsider=OK),
        post=rules(*(NOT_ALLOWED,) * 5, anonymous=NOT_ALLOWED, outsider=NOT_ALLOWED),
        org=False,
    ),
    "metrics": Spec(get=rules(*(HIDDEN,) * 5, anonymous=HIDDEN, outsider=HIDDEN), org=False),
    # Replies by e-mail from inbound-mail services: off unless CIBLE_MAIL_IN_TOKEN is set, then
    # guarded by that secret, not by roles (cible/inbound/tests/test_mail_in.py covers it on).
    "mail_in": Spec(get=everyone(NOT_ALLOWED), post=everyone(HIDDEN), org=False),
    # The chats' own requests: proven by each chat's signature, not by roles (an unsigned
    # one is a 401 for all); another chat's address, a 404 (cible/inbound/tests/test_chat.py).
    "chat_teams": Spec(
        get=everyone(NOT_ALLOWED),
        post=everyone(UNAUTHORIZED),
        org=False,
        args=lambda ctx: (ctx.acme.chat.public_id,),
    ),
    "chat_slack": Spec(
        post=everyone(HIDDEN), org=False, args=lambda ctx: (ctx.acme.chat.public_id,)
    ),
    "chat_mattermost": Spec(
        post=everyone(HIDDEN), org=False, args=lambda ctx: (ctx.acme.chat.public_id,)
    ),
    # Linking one's chat account: any member of the chat's organisation, for oneself.
    "chat_link": Spec(
        get=rules(OK, OK, OK, OK, OK),
        post=rules(FOUND, FOUND, FOUND, FOUND, FOUND),
        org=False,
        args=_chat_link,
    ),
    # One's own API tokens: any signed-in person; another person's token is a 404.
    "api_tokens": Spec(
        get=rules(OK, OK, OK, OK, OK, outsider=OK),
        post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, outsider=ALLOWED),
        body=body(name="Sync script", scope="read", expires_on=""),
        org=False,
    ),
    "api_token_revoke": Spec(
        post=rules(HIDDEN, HIDDEN, HIDDEN, HIDDEN, FOUND),
        org=False,
        args=lambda ctx: (_alice_token(ctx),),
    ),
    # The organisation.
    "org_home": Spec(get=READ),
    "org_settings": Spec(get=READ, post=ADMIN, body=settings_body),
    "member_list": Spec(get=READ),
    "member_role": Spec(post=ADMIN, ids=("membership",), body=body(role=Role.MEMBER)),
    "invitation_create": Spec(post=ADMIN, body=body(role=Role.MEMBER, email="new@acme.test")),
    # Anyone may leave (the last owner is refused with a message, not an error).
    "org_leave": Spec(post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)),
    "person_detail": Spec(get=READ, ids=("person",)),
    "people_suggest": Spec(get=READ, query="user_search=a"),
    "search": Spec(get=READ, query="q=mobile"),
    "palette": Spec(get=READ, query="q=mobile"),
    # The guided start of a new organisation: admins and owners.
    "start_objectives": Spec(
        get=ADMIN_PAGE,
        post=ADMIN,
        body=lambda ctx, user: {"cycle": ctx.acme.cycle.pk, "title_1": "Delight our customers"},
    ),
    "start_invite": Spec(get=ADMIN_PAGE, post=ADMIN, body=body(emails="new@acme.test")),
    "start_check_in": Spec(get=ADMIN_PAGE),
    "notification_settings": Spec(get=READ, post=WRITE, body=body(muted="1")),
    # Teams.
    "team_list": Spec(get=READ, post=ADMIN, body=body(name="Design")),
    "team_detail": Spec(get=READ, ids=("team",)),
    "team_suggest": Spec(get=READ, query="parent_search=a"),
    "team_edit": Spec(
        post=MANAGE,
        ids=("team",),
        body=lambda ctx, user: {"name": "Product & Design", "lead": ctx.world.bob.pk},
    ),
    "team_member_add": Spec(
        post=MANAGE, ids=("team",), body=lambda ctx, user: {"user": ctx.world.vera.pk}
    ),
    "team_member_remove": Spec(post=MANAGE, ids=("team", "person")),
    # The rhythm.
    "my_check_in": Spec(get=READ, post=WRITE),
    # The weekly meeting's notes: the team's members (mia is in Product) and its managers.
    "team_meeting": Spec(get=READ, post=WRITE, ids=("team",), body=notes_body),
    "team_monthly_review": Spec(get=READ, post=MANAGE, ids=("team",), body=notes_body),
    "monthly_review": Spec(get=READ, post=ADMIN, body=notes_body),
    "team_retrospective": Spec(post=MANAGE, ids=("team", "cycle"), body=retro_body),
    "cycle_review": Spec(get=READ, ids=("cycle",)),
    "cycle_close": Spec(post=ADMIN, ids=("cycle",)),
    "objective_retrospective": Spec(post=MANAGE, ids=("objective",), body=retro_body),
    "objective_carry_over": Spec(
        post=MANAGE,
        ids=("objective",),
        body=lambda ctx, user: {"cycle": ctx.acme.next_cycle.pk},
    ),
    "key_result_check_in": Spec(post=MANAGE, ids=("kr",), body=check_in_body),
    # The check-in where the key result is listed: its editor, then the check-in.
    "inline_check_in": Spec(get=EDIT_FORM, post=MANAGE, ids=("kr",), body=check_in_body),
    "key_result_adjust": Spec(
        post=MANAGE, ids=("kr",), body=body(target="12", due_date="", reason="Scope grew")
    ),
    "decision_prompt": Spec(
        get=EDIT_FORM,
        post=MANAGE,
        ids=("prompt",),
        body=body(choice="keep", target="", reason="Still within reach"),
    ),
    "key_result_score": Spec(
        post=MANAGE, ids=("kr",), body=body(score="0.7", score_note="Nearly there")
    ),
    # Its editors who also manage its team's KPIs (lead, members, admins).
    "key_result_to_kpi": Spec(post=MANAGE, ids=("kr",)),
    # Cycles.
    "cycle_list": Spec(
        get=READ,
        post=ADMIN,
        body=body(name="Later", kind="custom", start="2031-01-01", end="2031-06-30"),
    ),
    "cycle_state": Spec(post=ADMIN, ids=("cycle",), body=body(state="review")),
    # OKRs.
    "tree": Spec(get=READ),
    "tree_children": Spec(get=READ, ids=("objective",)),
    "tree_orphans": Spec(get=READ),
    "map": Spec(get=READ),
    "objective_create": Spec(
        get=rules(DENIED, OK, OK, OK, OK), post=WRITE, body=new_objective_body
    ),
    # Suggestions of parents for the objective form: reading only, what the reader may see.
    "parent_suggest": Spec(get=READ, query="parents_search=a"),
    "target_suggestion": Spec(
        get=EDIT_FORM, ids=("objective",), query="kind=increase&start=0&target=10&title=Grow"
    ),
    "key_result_recall": Spec(get=EDIT_FORM, ids=("objective",), query="title=Grow&unit=h"),
    "objective_recall": Spec(get=rules(DENIED, OK, OK, OK, OK), query="title=Grow"),
    "objective_detail": Spec(get=READ, ids=("objective",)),
    "objective_edit": Spec(get=EDIT_FORM, post=MANAGE, ids=("objective",), body=objective_body),
    "objective_archive": Spec(post=MANAGE, ids=("objective",)),
    "key_result_create": Spec(get=EDIT_FORM, post=MANAGE, ids=("objective",), body=key_result_body),
    "dependency_create": Spec(
        post=MANAGE,
        ids=("objective",),
        body=lambda ctx, user: {"to_objective": ctx.platform_objective.pk, "note": "API"},
    ),
    "dependency_suggest": Spec(
        get=EDIT_FORM, ids=("objective",), query="field=to_objective&to_objective_search=a"
    ),
    "dependency_delete": Spec(post=MANAGE, ids=("dependency",)),
    # Approval of drafts: submitted by whoever may edit it, decided by its approvers (the
    # lead of its team's parent team; Product has none: the admins). Off in this world:
    # the allowed ones are refused with a message.
    "objective_submit": Spec(post=MANAGE, ids=("objective",)),
    "objective_decide": Spec(post=ADMIN, ids=("objective",), body=body(decision="approve")),
    # Initiatives: whoever may edit the key result or the objective (and their own owner).
    "initiative_create": Spec(get=EDIT_FORM, post=MANAGE, ids=("objective",), body=initiative_body),
    "initiative_edit": Spec(get=EDIT_FORM, post=MANAGE, ids=("initiative",), body=initiative_body),
    "initiative_state": Spec(post=MANAGE, ids=("initiative",), body=body(state="done")),
    "objective_dependency_chain": Spec(get=READ, ids=("objective",)),
    # Answering: who is on a side (bob asked for Product; admins and owners are on both);
    # bob may not accept his own request (422), mia is on neither side.
    "dependency_state": Spec(post=MANAGE, ids=("dependency",), body=body(state="accepted")),
    "key_result_detail": Spec(get=READ, ids=("kr",)),
    # Comments and reactions: every member but viewers, on what they may see; a comment is
    # edited and deleted by its author only (alice's here).
    "objective_comment": Spec(post=WRITE, ids=("objective",), body=body(body="Hello @bob")),
    "key_result_comment": Spec(post=WRITE, ids=("kr",), body=body(body="Hello")),
    "check_in_comment": Spec(post=WRITE, ids=("check_in",), body=body(body="Well done")),
    "mention_suggest": Spec(get=READ, ids=("objective",), query="q=a"),
    "check_in_detail": Spec(get=READ, ids=("check_in",)),
    "check_in_react": Spec(post=WRITE, ids=("check_in",), body=body(emoji="thumbs_up")),
    "comment_react": Spec(post=WRITE, ids=("comment",), body=body(emoji="heart")),
    "comment_edit": Spec(
        get=rules(DENIED, DENIED, DENIED, DENIED, OK),
        post=rules(DENIED, DENIED, DENIED, DENIED, ALLOWED),
        ids=("comment",),
        body=body(body="Edited"),
    ),
    "comment_delete": Spec(post=rules(DENIED, DENIED, DENIED, DENIED, ALLOWED), ids=("comment",)),
    # The inbox is one's own, viewers' too (they are mentioned): another's item is a 404.
    "inbox_home": Spec(get=signed_in(FOUND), org=False),
    "inbox": Spec(get=READ),
    "inbox_read": Spec(post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)),
    "inbox_mail": Spec(
        get=READ, post=rules(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED), body=body(mentions="on")
    ),
    "inbox_open": Spec(get=rules(HIDDEN, HIDDEN, HIDDEN, HIDDEN, FOUND), ids=("inbox_item",)),
    "key_result_edit": Spec(get=EDIT_FORM, post=MANAGE, ids=("kr",), body=key_result_body),
    "key_result_archive": Spec(post=MANAGE, ids=("kr",)),
    "key_result_move": Spec(post=MANAGE, ids=("kr",), body=body(direction="down")),
    # A KR's data source: whoever may edit the KR (SQL sources: admins, tested in sources).
    "key_result_source": Spec(
        get=EDIT_FORM,
        post=MANAGE,
        ids=("kr",),
        body=body(kind="json", url="http://127.0.0.1:9/kpi.json", path="value", every="day"),
    ),
    "key_result_source_run": Spec(post=MANAGE, ids=("kr",)),
    "key_result_source_enable": Spec(post=MANAGE, ids=("kr",), body=body(enabled="0")),
    "key_result_source_delete": Spec(post=MANAGE, ids=("kr",)),
    # Insights: read by every member, viewers included.
    # KPIs: everyone reads them; a team's are managed by its lead, its members, admins, owners.
    "kpi_list": Spec(get=READ, query="status=critical"),
    "kpi_create": Spec(get=TEAM_FORM, post=WRITE, body=kpi_body),
    "kpi_detail": Spec(get=READ, ids=("kpi",)),
    "kpi_edit": Spec(get=TEAM_FORM, post=WRITE, ids=("kpi",), body=kpi_body),
    "kpi_archive": Spec(post=WRITE, ids=("kpi",)),
    "kpi_value": Spec(post=WRITE, ids=("kpi",), body=body(value="99.5")),
    "kpi_import": Spec(post=WRITE, ids=("kpi",)),
    "kpi_source": Spec(
        get=TEAM_FORM,
        post=WRITE,
        ids=("kpi",),
        body=body(kind="json", url="http://127.0.0.1:9/kpi.json", path="value", every="day"),
    ),
    "kpi_source_run": Spec(post=WRITE, ids=("kpi",)),
    "kpi_source_enable": Spec(post=WRITE, ids=("kpi",), body=body(enabled="0")),
    "kpi_source_delete": Spec(post=WRITE, ids=("kpi",)),
    "dashboard": Spec(get=READ),
    "team_dashboard": Spec(get=READ, ids=("team",)),
    "dashboard_section": Spec(get=READ, extra=("rhythm",)),
    "team_dashboard_section": Spec(get=READ, ids=("team",), extra=("attention",)),
    "calibration": Spec(get=READ),
    "cycle_report": Spec(get=READ, ids=("cycle",)),
    "cycle_report_pdf": Spec(get=READ, ids=("cycle",)),
    "cycle_report_md": Spec(get=READ, ids=("cycle",)),
    "cycle_export": Spec(get=READ, ids=("cycle",), extra=("okrs", "csv")),
    # The audit trail, and the erasure of a person: admins and owners only.
    "audit_log": Spec(get=ADMIN_PAGE),
    "audit_csv": Spec(get=ADMIN_PAGE),
    "member_erase": Spec(
        get=ADMIN_PAGE,
        post=ADMIN,
        ids=("membership",),
        body=lambda ctx, user: {"confirmation": ctx.acme.membership.user.email},
    ),
    # Webhooks: admins and owners only, the secret included.
    "webhook_list": Spec(get=ADMIN_PAGE),
    "chat_settings": Spec(get=ADMIN_PAGE, post=ADMIN, body=chat_body),
    "chat_integration_edit": Spec(post=ADMIN, ids=("chat",), body=chat_body),
    "chat_linked": Spec(get=READ),
    "webhook_create": Spec(get=ADMIN_PAGE, post=ADMIN, body=webhook_body),
    "webhook_detail": Spec(get=ADMIN_PAGE, ids=("webhook",)),
    "webhook_edit": Spec(get=ADMIN_PAGE, post=ADMIN, ids=("webhook",), body=webhook_body),
    "webhook_delete": Spec(get=ADMIN_PAGE, post=ADMIN, ids=("webhook",)),
    "webhook_rotate_secret": Spec(post=ADMIN, ids=("webhook",)),
    "webhook_ping": Spec(post=ADMIN, ids=("webhook",)),
    "webhook_deliveries": Spec(get=ADMIN_PAGE, query="state=failed"),
    "webhook_delivery": Spec(get=ADMIN_PAGE, ids=("webhook_delivery",)),
    "webhook_redeliver": Spec(post=ADMIN, ids=("webhook_delivery",)),
    # allauth's account pages: the same for every signed-in person whatever the role; the
    # entrance pages send the signed-in home. Their behaviour is tested in cible/accounts.
    "account_login": Spec(get=entrance(OK), post=entrance(OK), org=False),
    "account_logout": Spec(
        get=signed_in(OK, anonymous=FOUND), post=signed_in(FOUND, anonymous=FOUND), org=False
    ),
    "account_inactive": Spec(get=everyone(OK), org=False),
    "account_signup": Spec(get=entrance(OK), post=entrance(OK), org=False),
    "account_reauthenticate": Spec(get=signed_in(OK), post=signed_in(OK), org=False),
    "account_email": Spec(get=signed_in(OK), post=signed_in(ALLOWED), org=False),
    "account_email_verification_sent": Spec(get=everyone(OK), org=False),
    # An unknown confirmation key: a page saying the link is invalid, a 404 for its form.
    "account_confirm_email": Spec(
        get=everyone(OK), post=everyone(HIDDEN), org=False, args=lambda ctx: ("no-such-key",)
    ),
    "account_change_password": Spec(get=signed_in(OK), post=signed_in(OK), org=False),
    # Everybody of the world has a password: the page sends them to the change form.
    "account_set_password": Spec(get=signed_in(FOUND), post=signed_in(FOUND), org=False),
    "account_reset_password": Spec(get=everyone(OK), post=everyone(OK), org=False),
    "account_reset_password_done": Spec(get=everyone(OK), org=False),
    "account_reset_password_from_key": Spec(
        get=everyone(OK), post=everyone(OK), org=False, args=lambda ctx: ("0", "no-such-key")
    ),
    "account_reset_password_from_key_done": Spec(get=everyone(OK), org=False),
    # No sign-in code was asked for: back to the sign-in page.
    "account_confirm_login_code": Spec(get=everyone(FOUND), post=everyone(FOUND), org=False),
    # Single sign-on: off in this world (no CIBLE_OIDC_SERVER_URL), so its provider's URLs
    # are 404s; cible/accounts/tests/test_sso.py covers them configured.
    "openid_connect_login": Spec(
        get=everyone(HIDDEN), post=everyone(HIDDEN), org=False, args=lambda ctx: ("sso",)
    ),
    "openid_connect_callback": Spec(
        get=everyone(HIDDEN), post=everyone(HIDDEN), org=False, args=lambda ctx: ("sso",)
    ),
    "socialaccount_login_cancelled": Spec(get=everyone(OK), org=False),
    "socialaccount_login_error": Spec(get=everyone(UNAUTHORIZED), org=False),
    # No single sign-on under way: back to the sign-in page.
    "socialaccount_signup": Spec(get=everyone(FOUND), post=everyone(FOUND), org=False),
    "socialaccount_connections": Spec(get=signed_in(OK), post=signed_in(ALLOWED), org=False),
    # allauth's old addresses of the same pages, unnamed: permanent redirects.
    "/accounts/social/login/cancelled/": Spec(get=everyone(MOVED), org=False),
    "/accounts/social/login/error/": Spec(get=everyone(MOVED), org=False),
    "/accounts/social/signup/": Spec(get=everyone(MOVED), org=False),
    "/accounts/social/connections/": Spec(get=everyone(MOVED), org=False),
}

# Cases where the code contradicts the rules: (url name, method, role) -> the bug.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}
# The same for isolation: (url name, method, scope, role) -> the bug.
ISOLATION_BUGS: dict[tuple[str, str, str, str], str] = {}


# Enumerating the project's URLs.


def _module_name(resolver: URLResolver) -> str | None:
    urlconf = resolver.urlconf_name
    if isinstance(urlconf, str):
        return urlconf
    return getattr(urlconf, "__name__", None)


def project_urls() -> Iterator[tuple[str, str | None]]:
    """(route, name) of every URL pattern but the skipped ones; a namespaced name is
    `namespace:name`, and an unnamed pattern of allauth's (its old addresses, redirects)
    goes by its route, `/accounts/social/signup/`."""

    def walk(
        patterns: Any, prefix: str, namespaces: tuple[str, ...], allauth: bool
    ) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED or _module_name(pattern) in SKIPPED:
                    continue
                spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                inside = allauth or (_module_name(pattern) or "").startswith("allauth")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces, inside)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    yield route, ":".join((*namespaces, pattern.name))
                else:
                    yield route, "/" + route if allauth else None

    yield from walk(get_resolver().url_patterns, "", (), False)


def matrix_problems(urls: list[tuple[str, str | None]], table: dict[str, Spec]) -> list[str]:
    """What is wrong between the URL patterns and the table: one line per kind of fault."""
    problems = []
    if unnamed := [route for route, name in urls if name is None]:
        problems.append(
            f"URL patterns without a name (name them, then add them to TABLE): {unnamed}"
        )
    names = {name for _route, name in urls if name}
    if missing := sorted(names - table.keys()):
        problems.append(
            "URL patterns without an entry in the permissions matrix "
            f"(TABLE in cible/tests/test_url_matrix.py): {missing}"
        )
    if stale := sorted(table.keys() - names):
        problems.append(f"TABLE entries naming URLs that no longer exist: {stale}")
    return problems


def test_every_url_has_an_entry() -> None:
    problems = matrix_problems(list(project_urls()), TABLE)
    assert not problems, "\n".join(problems)


def test_a_url_without_an_entry_is_caught() -> None:
    urls = list(project_urls())
    fewer = {name: spec for name, spec in TABLE.items() if name != "team_detail"}

    assert matrix_problems(urls, TABLE) == []
    assert matrix_problems(urls, fewer) == [
        "URL patterns without an entry in the permissions matrix "
        "(TABLE in cible/tests/test_url_matrix.py): ['team_detail']"
    ]
    assert "without a name" in matrix_problems([*urls, ("o/<slug:slug>/x/", None)], TABLE)[0]
    assert "no longer exist: ['gone']" in matrix_problems(urls, {**TABLE, "gone": Spec()})[0]


def test_allauth_pages_are_in_the_matrix() -> None:
    """Every page of allauth's that Cible serves has its row, the old unnamed ones too."""
    routes = dict(project_urls())
    allauth = {name for route, name in routes.items() if route.startswith("accounts/")}

    assert {"account_login", "account_signup", "/accounts/social/signup/"} <= allauth
    assert allauth <= TABLE.keys()


def test_the_table_is_well_formed() -> None:
    for name, spec in TABLE.items():
        assert spec.get or spec.post, f"{name}: no method"
        for method in METHODS:
            table = spec.rules(method)
            assert table is None or set(table) == set(ROLES), f"{name} {method}: every role"
    cases = {(n, m, r) for n, s in TABLE.items() for m in METHODS if s.rules(m) for r in ROLES}
    assert set(KNOWN_BUGS) <= cases, f"KNOWN_BUGS names no case: {set(KNOWN_BUGS) - cases}"
    isolation = {tuple(p.values) for p in _isolation_cases()}
    unknown = set(ISOLATION_BUGS) - isolation
    assert not unknown, f"ISOLATION_BUGS names no case: {unknown}"


# The world, and what each URL needs in both organisations.


def _globex(world: World) -> tuple[Side, Cycle]:
    org, oscar = world.other_org, world.oscar
    ops = Team.objects.create(organization=org, name="Ops", lead=oscar)
    sales = Team.objects.create(organization=org, name="Sales")
    TeamMember.objects.create(team=ops, user=oscar)
    cycle = world.foreign_objective.cycle
    next_cycle = Cycle.objects.create(
        organization=org, name="Q+1", kind="quarter", start=date(2027, 1, 1), end=date(2027, 3, 31)
    )
    year = Cycle.objects.create(
        organization=org, name="2026", kind="year", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    ops_objective = create_objective(
        org, oscar, cycle=cycle, title="Globex ops secret", level=Level.TEAM, team=ops
    )
    sales_objective = create_objective(
        org, oscar, cycle=cycle, title="Globex sales secret", level=Level.TEAM, team=sales
    )
    kr = create_key_result(
        world.foreign_objective,
        owner=oscar,
        title="Globex secret KR",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
    )
    dependency = create_dependency(
        oscar, organization=org, from_objective=ops_objective, to_objective=sales_objective
    )
    side = Side(
        slug=org.slug,
        team=ops,
        cycle=cycle,
        next_cycle=next_cycle,
        objective=world.foreign_objective,
        kr=kr,
        dependency=dependency,
        membership=Membership.objects.get(organization=org, user=oscar),
        person=oscar,
    )
    _add_webhook(side, org, oscar)
    _add_collab(side, oscar, make_user("olga@globex.test", "Olga Globex"))
    _add_kpi(side, org, oscar)
    side.initiative = create_initiative(
        world.foreign_objective, oscar, key_result=kr, title="Globex secret initiative"
    )
    return side, year


def build_ctx(world: World) -> Ctx:
    org = world.org
    mia = make_user("mia@acme.test", "Mia Lopez")
    Membership.objects.create(organization=org, user=mia, role=Role.MEMBER)
    TeamMember.objects.create(team=world.team, user=mia)
    platform = Team.objects.create(organization=org, name="Platform")
    platform_objective = create_objective(
        org,
        world.alice,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="A stable API",
        level=Level.TEAM,
        team=platform,
    )
    # Product's, owned by adam: bob may change it only as Product's lead.
    objective = create_objective(
        org,
        world.adam,
        parents=[world.company_objective],
        cycle=world.cycle,
        title="Ship the mobile app",
        level=Level.TEAM,
        team=world.team,
    )
    kr = create_key_result(
        objective,
        owner=world.adam,
        title="Release to the stores",
        kind="increase",
        start=Decimal(0),
        target=Decimal(10),
        current=Decimal(4),
    )
    dependency = create_dependency(
        world.adam, organization=org, from_objective=objective, to_objective=platform_objective
    )
    next_cycle = Cycle.objects.create(
        organization=org,
        name="Next",
        kind="custom",
        start=world.cycle.end + timedelta(days=1),
        end=world.cycle.end + timedelta(days=90),
    )
    acme = Side(
        slug=org.slug,
        team=world.team,
        cycle=world.cycle,
        next_cycle=next_cycle,
        objective=objective,
        kr=kr,
        dependency=dependency,
        membership=Membership.objects.get(organization=org, user=world.vera),
        person=mia,
    )
    Team.objects.filter(pk=world.team.pk).update(chat_webhook_url=WEBHOOK)
    _add_webhook(acme, org, world.alice)
    _add_collab(acme, world.alice, world.adam)
    _add_kpi(acme, org, world.alice)
    acme.initiative = create_initiative(
        objective, world.adam, key_result=kr, title="Submit the app"
    )
    globex, globex_year = _globex(world)
    users: dict[str, User | None] = {
        "anonymous": None,
        "outsider": world.oscar,
        "viewer": world.vera,
        "member": mia,
        "lead": world.bob,
        "admin": world.adam,
        "owner": world.alice,
    }
    return Ctx(
        world=world,
        mia=mia,
        acme=acme,
        globex=globex,
        platform_objective=platform_objective,
        invitation=create_invitation(org, world.alice, Role.MEMBER),
        globex_year=globex_year,
        users=users,
    )


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Ctx]:
    """The world and its additions, built once for the module: each test runs in a
    transaction that pytest-django rolls back, so what one request changes is gone for the
    next."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_ctx(build_world())
        transaction.set_rollback(True)


@pytest.fixture
def ctx(shared: Ctx, db: None) -> Ctx:
    return shared


def request(ctx: Ctx, role: str, method: str, url: str, spec: Spec) -> Any:
    user = ctx.users[role]
    client = ctx.world.client_for(user)
    if method == "GET":
        return client.get(url)
    return client.post(url, spec.body(ctx, user))


def check(response: Any, expected: Expected, where: str) -> None:
    status = response.status_code
    assert status < 500, f"{where}: {status}, a server error"
    if expected == LOGIN:
        login = reverse("account_login")
        location = response.get("Location", "")
        assert status == 302 and location.startswith(login), (
            f"{where}: {status} {location!r}, expected a redirection to {login}"
        )
    elif isinstance(expected, frozenset):
        assert status in expected, f"{where}: {status}, expected one of {sorted(expected)}"
    else:
        assert status == expected, f"{where}: {status}, expected {expected}"


# The matrix: one case per (URL, method, role), on a fresh world.


def _matrix_cases() -> Iterator[Any]:
    for name, spec in TABLE.items():
        for method in METHODS:
            if spec.rules(method) is None:
                continue
            for role in ROLES:
                bug = KNOWN_BUGS.get((name, method, role))
                marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                yield pytest.param(name, method, role, marks=marks, id=f"{name}-{method}-{role}")


# What no Acme page shows: Globex's OKRs to anyone, and Product's chat webhook (a secret)
# to nobody, not even the admins who set it (they see its host only).
SECRETS = ("Globex secret", "Globex ops secret", "Globex sales secret")
WEBHOOK = "https://hooks.example.com/services/T0/B0/product-webhook-secret"


def _text(response: Any) -> str:
    """The body of a text response (streamed ones too); binary ones give ""."""
    if not response.get("Content-Type", "").startswith("text/"):
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def _no_secret(response: Any, where: str, secrets: tuple[str, ...] = SECRETS) -> None:
    text = _text(response)
    leaked = [secret for secret in secrets if secret in text]
    assert not leaked, f"{where} shows {leaked}"


def test_the_secrets_are_there_to_find(ctx: Ctx) -> None:
    """The leak checks look for text that the pages of those allowed do show."""
    team = ctx.world.client_for(ctx.world.adam).get(
        reverse("team_detail", args=["acme", ctx.acme.team.pk])
    )
    assert "https://hooks.example.com/…" in _text(team)  # its host: the webhook is set
    own = reverse("objective_detail", args=["globex", ctx.globex.objective.pk])
    assert SECRETS[0] in _text(ctx.world.client_for(ctx.world.oscar).get(own))


@pytest.mark.parametrize(("name", "method", "role"), list(_matrix_cases()))
def test_matrix(ctx: Ctx, name: str, method: str, role: str) -> None:
    spec = TABLE[name]
    expected = spec.rules(method)
    assert expected is not None
    url = spec.url(name, ctx)
    where = f"{method} {url} as {role}"
    response = request(ctx, role, method, url, spec)
    check(response, expected[role], where)
    _no_secret(response, where, (*SECRETS, WEBHOOK))


POST_ONLY = [name for name, spec in TABLE.items() if spec.get is None]


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(ctx: Ctx, name: str) -> None:
    url = TABLE[name].url(name, ctx)
    check(request(ctx, "owner", "GET", url, TABLE[name]), NOT_ALLOWED, f"GET {url} as owner")


# Isolation: another organisation's ids, and another organisation's URLs.


def _foreign_variants(ctx: Ctx, spec: Spec) -> list[tuple[Side, ...]]:
    """Every mix of Acme and Globex ids but all-Acme."""
    combos = itertools.product((ctx.acme, ctx.globex), repeat=len(spec.ids))
    return [sides for sides in combos if any(side is ctx.globex for side in sides)]


# Scopes: "globex-ids" is Acme's URL with Globex's ids (every mix of them) for Acme's
# people; "globex-urls" is Globex's own URL for Acme's people; "acme-ids" is Globex's URL
# with Acme's ids for Globex's owner. All are 404s.
SCOPES = {"globex-ids": ACME_ROLES, "globex-urls": ACME_ROLES, "acme-ids": ("outsider",)}


def _isolation_cases() -> Iterator[Any]:
    for name, spec in TABLE.items():
        if not spec.org:
            continue
        for method in METHODS:
            if spec.rules(method) is None:
                continue
            for scope, roles in SCOPES.items():
                if scope != "globex-urls" and not spec.ids:
                    continue
                for role in roles:
                    bug = ISOLATION_BUGS.get((name, method, scope, role))
                    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                    case_id = f"{name}-{method}-{scope}-{role}"
                    yield pytest.param(name, method, scope, role, marks=marks, id=case_id)


def _isolation_urls(ctx: Ctx, name: str, scope: str) -> list[str]:
    spec = TABLE[name]
    if scope == "globex-ids":
        return [spec.url(name, ctx, ctx.acme.slug, sides) for sides in _foreign_variants(ctx, spec)]
    side = ctx.globex if scope == "globex-urls" else ctx.acme
    return [spec.url(name, ctx, ctx.globex.slug, (side,) * len(spec.ids))]


@pytest.mark.parametrize(("name", "method", "scope", "role"), list(_isolation_cases()))
def test_isolation(ctx: Ctx, name: str, method: str, scope: str, role: str) -> None:
    spec = TABLE[name]
    for url in _isolation_urls(ctx, name, scope):
        with transaction.atomic():  # a wrongly allowed write must not hide the next URL
            response = request(ctx, role, method, url, spec)
            transaction.set_rollback(True)
        check(response, HIDDEN, f"{method} {url} as {role}")


# Isolation of ids in query strings and form bodies: refused or ignored, never used.


@dataclass(frozen=True)
class Foreign:
    """A request of Acme's owner naming a Globex object in its query or body."""

    name: str
    url: Callable[[Ctx], str]
    expected: Expected
    data: Callable[[Ctx], dict[str, Any]] | None = None  # POST when given
    untouched: Callable[[Ctx], bool] = lambda ctx: True  # nothing links to Globex after

    def __str__(self) -> str:
        return self.name


def _acme(name: str, *args: Any, query: str = "") -> str:
    return reverse(name, args=["acme", *args]) + (f"?{query}" if query else "")


def _no_cross_links(ctx: Ctx) -> bool:
    globex = ctx.world.other_org
    return (
        not Objective.objects.filter(
            organization=ctx.world.org, parents__organization=globex
        ).exists()
        and not Dependency.objects.filter(
            organization=ctx.world.org, to_objective__organization=globex
        ).exists()
        and not KeyResult.objects.filter(
            objective__organization=ctx.world.org, owner=ctx.world.oscar
        ).exists()
        and not KeyResult.objects.filter(
            objective__organization=ctx.world.org, driven_by__organization=globex
        ).exists()
        and not Team.objects.filter(
            organization=ctx.world.org, parent__organization=globex
        ).exists()
        and not Team.objects.filter(organization=ctx.world.org, lead=ctx.world.oscar).exists()
        and not TeamMember.objects.filter(
            team__organization=ctx.world.org, user=ctx.world.oscar
        ).exists()
        and not Cycle.objects.filter(
            organization=ctx.world.org, parent__organization=globex
        ).exists()
        and not Objective.objects.filter(
            organization=globex, carried_from__organization=ctx.world.org
        ).exists()
        and not Objective.objects.filter(
            organization=ctx.world.org, cycle__organization=globex
        ).exists()
    )


FOREIGN = [
    Foreign("home ?cycle", lambda c: _acme("org_home", query=f"cycle={c.globex.cycle.pk}"), OK),
    Foreign("tree ?cycle", lambda c: _acme("tree", query=f"cycle={c.globex.cycle.pk}"), OK),
    Foreign("tree ?team", lambda c: _acme("tree", query=f"team={c.globex.team.pk}"), OK),
    Foreign("map ?team", lambda c: _acme("map", query=f"team={c.globex.team.pk}"), OK),
    Foreign("map ?open", lambda c: _acme("map", query=f"open={c.globex.objective.pk}"), OK),
    Foreign(
        "dashboard ?cycle", lambda c: _acme("dashboard", query=f"cycle={c.globex.cycle.pk}"), OK
    ),
    Foreign("search", lambda c: _acme("search", query="q=Globex"), OK),
    Foreign("audit ?actor", lambda c: _acme("audit_log", query=f"actor={c.world.oscar.pk}"), 422),
    Foreign(
        "audit.csv ?actor", lambda c: _acme("audit_csv", query=f"actor={c.world.oscar.pk}"), 422
    ),
    Foreign(
        "report ?team",
        lambda c: _acme("cycle_report", c.acme.cycle.pk, query=f"team={c.globex.team.pk}"),
        HIDDEN,
    ),
    Foreign(
        "objective_create ?cycle&parent",
        lambda c: _acme(
            "objective_create",
            query=f"cycle={c.globex.cycle.pk}&parent={c.world.foreign_objective.pk}",
        ),
        OK,
    ),
    Foreign(
        "parent_suggest ?cycle",
        lambda c: _acme("parent_suggest", query=f"cycle={c.globex.cycle.pk}&parents_search=a"),
        HIDDEN,
    ),
    Foreign(
        "parent_suggest ?objective",
        lambda c: _acme(
            "parent_suggest",
            query=f"cycle={c.acme.cycle.pk}&objective={c.world.foreign_objective.pk}"
            "&parents_search=Globex",
        ),
        OK,
    ),
    Foreign(
        "objective_create parent",
        lambda c: _acme("objective_create"),
        422,
        lambda c: {
            **new_objective_body(c, c.world.alice),
            "parents": [c.world.foreign_objective.pk],
        },
        _no_cross_links,
    ),
    Foreign(
        "objective_create cycle",
        lambda c: _acme("objective_create", query=f"cycle={c.globex.cycle.pk}"),
        ALLOWED,
        lambda c: {**new_objective_body(c, c.world.alice), "cycle": c.globex.cycle.pk},
        _no_cross_links,
    ),
    Foreign(
        "objective_edit parent",
        lambda c: _acme("objective_edit", c.acme.objective.pk),
        422,
        lambda c: {**objective_body(c, None), "parents": [c.world.foreign_objective.pk]},
        _no_cross_links,
    ),
    Foreign(
        "key_result_create owner",
        lambda c: _acme("key_result_create", c.acme.objective.pk),
        422,
        lambda c: {**key_result_body(c, None), "owner": c.world.oscar.pk},
        _no_cross_links,
    ),
    Foreign(
        "key_result_edit driven_by",
        lambda c: _acme("key_result_edit", c.acme.kr.pk),
        422,
        lambda c: {**key_result_body(c, None), "driven_by": c.world.foreign_objective.pk},
        _no_cross_links,
    ),
    Foreign(
        "dependency_create to_objective",
        lambda c: _acme("dependency_create", c.acme.objective.pk),
        422,
        lambda c: {"to_objective": c.globex.dependency.to_objective_id},
        _no_cross_links,
    ),
    Foreign(
        "dependency_create to_key_result",
        lambda c: _acme("dependency_create", c.acme.objective.pk),
        422,
        lambda c: {"to_objective": c.platform_objective.pk, "to_key_result": c.globex.kr.pk},
        lambda c: not Dependency.objects.filter(to_key_result=c.globex.kr).exists(),
    ),
    Foreign(
        "team_list parent",
        lambda c: _acme("team_list"),
        422,
        lambda c: {"name": "Design", "parent": c.globex.team.pk},
        _no_cross_links,
    ),
    Foreign(
        "team_edit lead",
        lambda c: _acme("team_edit", c.acme.team.pk),
        422,
        lambda c: {"name": "Product", "lead": c.world.oscar.pk},
        _no_cross_links,
    ),
    Foreign(
        "team_member_add user",
        lambda c: _acme("team_member_add", c.acme.team.pk),
        FOUND,
        lambda c: {"user": c.world.oscar.pk},
        _no_cross_links,
    ),
    Foreign(
        "cycle_list parent",
        lambda c: _acme("cycle_list"),
        422,
        lambda c: {
            "name": "H1",
            "kind": "custom",
            "start": "2026-01-01",
            "end": "2026-06-30",
            "parent": c.globex_year.pk,
        },
        _no_cross_links,
    ),
    Foreign(
        "objective_carry_over cycle",
        lambda c: _acme("objective_carry_over", c.acme.objective.pk),
        FOUND,
        lambda c: {"cycle": c.globex.next_cycle.pk},
        _no_cross_links,
    ),
]


@pytest.mark.parametrize("case", FOREIGN, ids=str)
def test_foreign_ids_in_queries_and_bodies(ctx: Ctx, case: Foreign) -> None:
    client = ctx.world.client_for(ctx.world.alice)
    url = case.url(ctx)
    response = client.get(url) if case.data is None else client.post(url, case.data(ctx))
    where = f"{case.name}: {url}"
    check(response, case.expected, where)
    _no_secret(response, where)
    assert case.untouched(ctx), f"{where} linked an Acme object to a Globex one"
