from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    RECORDED = "recorded", _("Check-ins recorded")
    REFUSED = "refused", _("Nothing recorded: lines could not be read")
    TO_CONFIRM = "to_confirm", _("Nothing recorded yet: values to confirm")


class MailReply(models.Model):
    """A reply that was read, once: the same message delivered again (a retrying mail
    server, a forward to two addresses) records nothing more and is not answered again."""

    organization = models.ForeignKey(
        "orgs.Organization", models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, related_name="+", verbose_name=_("person")
    )
    message_id = models.CharField(_("message ID"), max_length=255)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    recorded = models.PositiveIntegerField(_("check-ins recorded"), default=0)

    class Meta:
        verbose_name = _("reply by e-mail")
        verbose_name_plural = _("replies by e-mail")
        constraints = [
            models.UniqueConstraint(fields=["organization", "message_id"], name="mail_reply_once")
        ]

    def __str__(self) -> str:
        return self.message_id


class Platform(models.TextChoices):
    SLACK = "slack", "Slack"
    MATTERMOST = "mattermost", "Mattermost"
    TEAMS = "teams", "Microsoft Teams"


class ChatIntegration(models.Model):
    """One chat workspace of an organisation that sends Cible its `/okr` commands, button
    clicks and forms. Its secrets are kept as each protocol allows: Slack's signing secret,
    Slack's bot token and Teams' HMAC key are needed to sign or verify, so they are stored
    encrypted (`inbound.secrets`); Mattermost's command token is only compared, so only its
    SHA-256 is stored."""

    organization = models.ForeignKey(
        "orgs.Organization",
        models.CASCADE,
        related_name="chat_integrations",
        verbose_name=_("organisation"),
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    # The address's own part (/chat/<platform>/<public_id>/): not a secret, it only says
    # which integration a request is for; every request is verified with the secret.
    public_id = models.CharField(max_length=32, unique=True)
    secret = models.TextField(blank=True, default="")  # encrypted
    bot_token = models.TextField(blank=True, default="")  # encrypted, Slack only
    token_hash = models.CharField(max_length=64, blank=True, default="")  # Mattermost only
    server_url = models.URLField(_("server address"), blank=True, default="")  # Mattermost
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat integration")
        verbose_name_plural = _("chat integrations")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} ({self.organization_id})"


class ChatAccount(models.Model):
    """A chat account linked to a person of the organisation, once, by a signed link."""

    integration = models.ForeignKey(
        ChatIntegration, models.CASCADE, related_name="accounts", verbose_name=_("chat")
    )
    external_id = models.CharField(max_length=200)
    membership = models.ForeignKey(
        "orgs.Membership", models.CASCADE, related_name="+", verbose_name=_("member")
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="chat_account_once")
        ]

    def __str__(self) -> str:
        return self.external_id


class SeenRequest(models.Model):
    """A verified request, remembered for the replay window: the same one again is refused."""

    integration = models.ForeignKey(ChatIntegration, models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "digest"], name="seen_request_once")
        ]

    def __str__(self) -> str:
        return self.digest
