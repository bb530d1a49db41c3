"""What happens to KPIs, told to the apps above (webhooks, inbox) and to the guardrails.
Sent inside the change's transaction: a receiver acting outside the database waits for the
commit."""

from django.dispatch import Signal

# kpi, value (the KPIValue), before (the KPI's status before it): a value recorded.
value_recorded = Signal()
# kpi, before, after: the KPI's status changed (a threshold crossed) by a value.
status_changed = Signal()
