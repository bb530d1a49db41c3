"""A check-in recorded, told to the apps above that react to it (the webhooks).

`check_in_recorded` is sent inside the check-in's transaction, before the key result takes
the newest check-in's value, and only when `listening()` says that someone listens for the
organisation: an organisation without webhooks pays neither a query nor the payload's
making."""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.expressions import BaseExpression
from django.dispatch import Signal

# check_in, current, confidence: the new check-in, and the newest check-in's value and
# confidence, which the key result is about to take.
check_in_recorded = Signal()

# Each listening app adds a function of the organisation's id giving, as a query
# expression, whether it listens: the service adds it to a query it runs anyway.
LISTENERS: list[Callable[[int], BaseExpression]] = []


def listening(organization_id: int) -> BaseExpression:
    """Whether any app listens to the organisation's check-ins, as an expression."""
    expressions = [listener(organization_id) for listener in LISTENERS]
    if not expressions:
        return Value(False)
    if len(expressions) == 1:
        return expressions[0]
    return ExpressionWrapper(reduce(or_, map(Q, expressions)), output_field=BooleanField())


# prompts: the decision prompts just opened (`cible.checkins.decisions.open_prompts`), sent
# inside their transaction; the inbox tells each key result's owner.
decision_prompted = Signal()
