"""What the notifications announce, for higher apps to react to (docs/architecture.md).

`chat_buttons` is sent while a team's chat message is put together, with the organisation
and the chat's format; a receiver returns the buttons to add in that format's own shape
(Slack blocks, Mattermost actions), or an empty list. The check-ins by chat
(`cible.inbound`) add "On track, no change" and "Update" when the organisation's chat sends
its buttons back to Cible."""

from django.dispatch import Signal

chat_buttons = Signal()
