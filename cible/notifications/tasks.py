from django.tasks import task

from cible.notifications import services


@task()
def send_delivery(delivery_id: int, attempt: int) -> str:
    """Send one reminder or digest; a copy of this task that lost the race does nothing."""
    return services.deliver(delivery_id, attempt)
