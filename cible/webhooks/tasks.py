from django.tasks import task

from cible.webhooks import services


@task()
def send_webhook(delivery_id: int, attempt: int) -> str:
    """Post one webhook delivery; a copy of this task that lost the race does nothing."""
    return services.deliver(delivery_id, attempt)
