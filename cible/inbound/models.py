from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    RECORDED = "recorded", _("Check-ins recorded")
    REFUSED = "refused", _("Nothing recorded: lines could not be read")


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
