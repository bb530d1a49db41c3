"""The inbound app's answers to the notifications' signals."""

from typing import Any

from cible.inbound import platforms
from cible.inbound.models import ChatIntegration, Platform


def chat_buttons(sender: object, organization: Any, chat_format: str, **kwargs: Any) -> list[Any]:
    """The reminder's buttons, when the organisation's chat of that format talks to Cible."""
    if chat_format not in (Platform.SLACK, Platform.MATTERMOST):
        return []  # Teams' incoming webhooks cannot send a button back to Cible
    integration = ChatIntegration.objects.filter(
        organization=organization, platform=chat_format
    ).first()
    if integration is None:
        return []
    if chat_format == Platform.SLACK:
        return platforms.slack_buttons(integration)
    return platforms.mattermost_buttons(integration)
