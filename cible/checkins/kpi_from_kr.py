"""From key result to KPI: at the end of a cycle, a reached "stay above / below / between"
key result becomes a KPI the team keeps watching, its check-ins kept as the KPI's history.

It reads check-ins, so it sits with them, above the KPIs. The history is copied in one
insert rather than through `kpis.services.record_value`: those values are not new
measurements, and must neither announce a threshold crossed nor write one audit entry
each; the KPI's creation is one audit entry that names the key result and the values
copied. Its thresholds come from the targets, with no warning band (the key result named
no second bound): healthy within them, critical beyond.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cible.accounts.models import User
from cible.audit.models import Action
from cible.audit.services import record
from cible.checkins.models import CheckIn
from cible.kpis import rules
from cible.kpis.models import KPI, KPIValue, ValueOrigin
from cible.okrs.access import Powers
from cible.okrs.models import CycleState, KeyResult, KRKind
from cible.orgs.models import Membership, Team, TeamMember

KINDS = {KRKind.STAY_ABOVE: rules.HIGHER, KRKind.STAY_BELOW: rules.LOWER}
KINDS[KRKind.STAY_BETWEEN] = rules.BAND
ENDED = (CycleState.REVIEW, CycleState.CLOSED)


def eligible(kr: KeyResult) -> bool:
    """A reached key result of a kind that keeps a number within bounds, of a cycle in
    review or closed, neither archived nor cancelled."""
    return (
        kr.kind in KINDS
        and kr.objective.cycle.state in ENDED
        and kr.archived_at is None
        and kr.cancelled_at is None
        and kr.raw_progress() >= 1
    )


def member_team_ids(membership: Membership) -> set[int]:
    return set(
        TeamMember.objects.filter(user_id=membership.user_id).values_list("team_id", flat=True)
    )


def may_manage_kpis(membership: Membership, team: Team | None, member_of: set[int]) -> bool:
    """Admins manage every KPI; a team's lead and members, the team's."""
    if membership.is_admin:
        return True
    if not membership.can_write or team is None:
        return False
    return team.lead_id == membership.user_id or team.pk in member_of


def may_turn(
    membership: Membership, kr: KeyResult, member_of: set[int], powers: Powers | None = None
) -> bool:
    """Who may edit the key result (its owners, its objective's owner and lead; a closed
    cycle does not stop them, the key result itself does not change) and manage its team's
    KPIs. `member_of`: the teams the member belongs to (`member_team_ids`); `powers`: the
    member's, when a page asks for many key results."""
    objective = kr.objective
    powers = powers or Powers(membership)
    edits = membership.is_admin or (
        membership.can_write
        and (powers.owns(kr) or objective.owner_id == membership.user_id or powers.leads(objective))
    )
    return edits and may_manage_kpis(membership, objective.team, member_of)


def thresholds(kr: KeyResult) -> dict[str, object]:
    direction = KINDS[KRKind(kr.kind)]
    if direction == rules.HIGHER:
        return {"direction": direction, "healthy_low": kr.target, "critical_low": kr.target}
    if direction == rules.LOWER:
        return {"direction": direction, "healthy_high": kr.target, "critical_high": kr.target}
    return {
        "direction": direction,
        "healthy_low": kr.target,
        "critical_low": kr.target,
        "healthy_high": kr.target_max,
        "critical_high": kr.target_max,
    }


def existing(kr: KeyResult) -> KPI | None:
    return KPI.objects.filter(from_key_result=kr).first()


def kpis_of(key_results: list[KeyResult]) -> dict[int, KPI]:
    """The KPIs these key results became, by key result id: one query."""
    found = KPI.objects.filter(from_key_result__in=[kr.pk for kr in key_results])
    return {kpi.from_key_result_id: kpi for kpi in found if kpi.from_key_result_id}


def turn_into_kpi(kr: KeyResult, actor: User) -> KPI:
    """The KPI made from the key result, with its check-ins as values; done once (a second
    time is refused, naming the KPI it became)."""
    if not eligible(kr):
        raise ValidationError(
            _(
                "Only a reached key result that keeps a number above, below or between "
                "bounds becomes a KPI, once its cycle is in review or closed."
            ),
            code="not_eligible",
        )
    objective = kr.objective
    with transaction.atomic():
        # Locked: two clicks make one KPI.
        KeyResult.objects.select_for_update().filter(pk=kr.pk).exists()
        made = existing(kr)
        if made is not None:
            raise ValidationError(
                _("This key result is already the KPI “%(name)s”."),
                code="exists",
                params={"name": made.name},
            )
        kpi = KPI(
            organization=objective.organization,
            team=objective.team,
            name=kr.title,
            unit=kr.unit,
            owner=kr.owner,
            from_key_result=kr,
            created_by=actor,
            **thresholds(kr),
        )
        kpi.full_clean(exclude=["from_key_result"])
        kpi.save()
        values = [
            KPIValue(
                kpi=kpi,
                value=check_in.value,
                measured_at=check_in.created_at,
                status=kpi.status_of(check_in.value),
                origin=ValueOrigin.KEY_RESULT,
                author_id=check_in.author_id,
            )
            for check_in in CheckIn.objects.filter(key_result=kr).order_by("created_at", "id")
        ]
        KPIValue.objects.bulk_create(values)
        _keep_latest(kpi, values)
        record(
            objective.organization,
            actor,
            kpi,
            Action.CREATED,
            after={"from_key_result": kr.title, "values": len(values)},
        )
    return kpi


def _keep_latest(kpi: KPI, values: list[KPIValue]) -> None:
    """The KPI's latest value and status, and since when that status has held."""
    if not values:
        return
    latest = values[-1]
    since = latest.measured_at
    for value in reversed(values):
        if value.status != latest.status:
            break
        since = value.measured_at
    kpi.last_value, kpi.last_measured_at = latest.value, latest.measured_at
    kpi.status, kpi.status_since = latest.status, since
    kpi.save(update_fields=["last_value", "last_measured_at", "status", "status_since"])
