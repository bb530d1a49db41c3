"""What happens to cycles and objectives, told to the apps above that react to it (the
webhooks). The services send these inside the change's transaction: a receiver that acts
outside the database waits for the commit (`transaction.on_commit`), so a change that is
rolled back tells nothing."""

from django.dispatch import Signal

# objective: a new objective, created or carried over into the next cycle.
objective_created = Signal()
# objective, before: an edited objective and its state before the edit.
objective_state_changed = Signal()
# objective: closed with its cycle at the end-of-cycle review.
objective_closed = Signal()
# cycle, before: a cycle moved one step, and its state before the move.
cycle_state_changed = Signal()
# cycle: closed at the end-of-cycle review.
cycle_closed = Signal()
# initiative: a new initiative, planned for a key result or an objective.
initiative_created = Signal()
# initiative, before: an initiative moved to another state, and its state before.
initiative_state_changed = Signal()
# objective, approver_ids: a draft submitted for approval
approval_requested = Signal()
# objective, approved (bool), comment, by: the decision
approval_decided = Signal()
# dependency, before, by, comment: a dependency answered (accepted, declined, done,
# reopened, asked again): its state before, who moved it and what they said. The webhooks
# send it; an inbox may tell both teams.
dependency_state_changed = Signal()
