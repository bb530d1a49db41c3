"""What happens to KPIs, told to the apps above (webhooks, inbox) and to the guardrails.
Sent inside the change's transaction: a receiver acting outside the database waits for the
commit."""

from django.dispatch import Signal

# kpi, value (the KPIValue), before (the KPI's status before it): a value recorded.
value_recorded = Signal()
# kpi, before, after: the KPI's status changed (a threshold crossed) by a value.
status_changed = Signal()
# guardrail, breach (the GuardrailBreach just opened), kpi, key_result: a guardrail breached.
guardrail_breached = Signal()
# guardrail, breach (just closed), kpi, key_result: its KPI is healthy again.
guardrail_breach_ended = Signal()
