from django.tasks import task

from cible.insights import snapshots


@task()
def refresh_dashboard(org_id: int, cycle_id: int) -> str:
    """Compute and store the organisation dashboard of a large cycle."""
    snapshot = snapshots.refresh(org_id, cycle_id)
    return "gone" if snapshot is None else f"{snapshot.seconds:.1f} s"
