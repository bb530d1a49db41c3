"""Comments on objectives, key results and check-ins, reactions, and each person's inbox.

A comment always names the objective its thing belongs to: who may see the objective may
see the comment, and one filter on that column keeps a private objective's comments,
reactions and inbox items private wherever they are listed."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cible.checkins.models import CheckIn, DecisionPrompt
from cible.kpis.models import GuardrailBreach
from cible.okrs.models import KeyResult, Objective
from cible.orgs.models import Organization

BODY_MAX = 5000


class Comment(models.Model):
    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    # The objective the commented thing belongs to; with a key result, a comment on it; with
    # a check-in too, a comment on that check-in.
    objective = models.ForeignKey(
        Objective, models.CASCADE, related_name="comments", verbose_name=_("objective")
    )
    key_result = models.ForeignKey(
        KeyResult,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("key result"),
    )
    check_in = models.ForeignKey(
        CheckIn,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("check-in"),
    )
    reply_to = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=BODY_MAX)
    # The people the comment names and who may see it: those it notified.
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentions")
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(check_in__isnull=True) | Q(key_result__isnull=False),
                name="comment_check_in_has_key_result",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["objective", "key_result", "check_in", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        slug = self.organization.slug
        if self.check_in_id is not None:
            url = reverse("check_in_detail", args=[slug, self.check_in_id])
        elif self.key_result_id is not None:
            url = reverse("key_result_detail", args=[slug, self.key_result_id])
        else:
            url = reverse("objective_detail", args=[slug, self.objective_id])
        return f"{url}#comment-{self.pk}"

    @property
    def target(self) -> Objective | KeyResult | CheckIn:
        return self.check_in or self.key_result or self.objective


class Emoji(models.TextChoices):
    """The small fixed set of reactions, stored by name; the symbol is shown."""

    THUMBS_UP = "thumbs_up", _("Thumbs up")
    TADA = "tada", _("Well done")
    HEART = "heart", _("Love it")
    EYES = "eyes", _("Looking at it")
    ROCKET = "rocket", _("Going fast")
    CHECK = "check", _("Seen")


SYMBOLS = {
    Emoji.THUMBS_UP: "\N{THUMBS UP SIGN}",
    Emoji.TADA: "\N{PARTY POPPER}",
    Emoji.HEART: "\N{HEAVY BLACK HEART}",
    Emoji.EYES: "\N{EYES}",
    Emoji.ROCKET: "\N{ROCKET}",
    Emoji.CHECK: "\N{WHITE HEAVY CHECK MARK}",
}


class Reaction(models.Model):
    """One person's emoji on a check-in or a comment (never both)."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, models.CASCADE, related_name="+")
    check_in = models.ForeignKey(
        CheckIn, models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    emoji = models.CharField(_("reaction"), max_length=10, choices=Emoji.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(check_in__isnull=True, comment__isnull=False)
                | Q(check_in__isnull=False, comment__isnull=True),
                name="reaction_one_target",
            ),
            models.CheckConstraint(
                condition=Q(emoji__in=[e.value for e in Emoji]), name="reaction_emoji_valid"
            ),
            models.UniqueConstraint(
                fields=["check_in", "user", "emoji"], name="one_reaction_per_check_in"
            ),
            models.UniqueConstraint(
                fields=["comment", "user", "emoji"], name="one_reaction_per_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.user_id}"

    @property
    def symbol(self) -> str:
        return SYMBOLS[Emoji(self.emoji)]


class InboxKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    REPLY = "reply", _("Reply")
    REACTION = "reaction", _("Reaction")
    ALIGNED = "aligned", _("Objective aligned to yours")
    APPROVAL_REQUESTED = "approval", _("Draft waiting for your approval")
    APPROVAL_DECIDED = "decision", _("Decision on your draft")
    GUARDRAIL = "guardrail", _("Guardrail breached")
    DECISION_PROMPT = "prompt", _("A decision to take on your key result")


# What a person may get by e-mail (batched); the other kinds stay in the inbox.
MAILED_KINDS = (
    InboxKind.MENTION,
    InboxKind.APPROVAL_REQUESTED,
    InboxKind.APPROVAL_DECIDED,
    InboxKind.GUARDRAIL,
)


class InboxItemQuerySet(models.QuerySet["InboxItem"]):
    def unread(self) -> "InboxItemQuerySet":
        return self.filter(read_at__isnull=True)


class InboxItem(models.Model):
    """Something that happened for one person: stored when it is an event. What is a state
    (check-ins due, reviews to hold) is read live by the inbox page instead."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="inbox_items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InboxKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The objective it is about: the recipient sees the item while they may see it.
    objective = models.ForeignKey(Objective, models.CASCADE, related_name="+")
    check_in = models.ForeignKey(CheckIn, models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, models.CASCADE, null=True, blank=True, related_name="+")
    # A guardrail of a key result the recipient owns or leads, breached.
    guardrail_breach = models.ForeignKey(
        GuardrailBreach, models.CASCADE, null=True, blank=True, related_name="+"
    )
    emoji = models.CharField(max_length=10, choices=Emoji.choices, blank=True)
    # A key result whose plan no longer holds: one item per prompt and person.
    prompt = models.ForeignKey(
        DecisionPrompt, models.CASCADE, null=True, blank=True, related_name="+"
    )
    # An approval's decision and its note.
    approved = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the batched mail took it (or once it is known that none will).
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "organization", "read_at"]),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(mailed_at__isnull=True),
                name="collab_inbox_to_mail",
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["recipient", "prompt"],
                condition=Q(prompt__isnull=False),
                name="one_inbox_item_per_prompt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    def get_absolute_url(self) -> str:
        if self.comment_id is not None and self.comment is not None:
            return self.comment.get_absolute_url()
        slug = self.organization.slug
        if self.prompt_id is not None:
            return reverse("decision_prompt", args=[slug, self.prompt_id])
        if self.check_in_id is not None:
            return reverse("check_in_detail", args=[slug, self.check_in_id])
        if self.guardrail_breach_id is not None and self.guardrail_breach is not None:
            kr_id = self.guardrail_breach.guardrail.key_result_id
            return reverse("key_result_detail", args=[slug, kr_id])
        return reverse("objective_detail", args=[slug, self.objective_id])

    @property
    def symbol(self) -> str:
        return SYMBOLS[Emoji(self.emoji)] if self.emoji else ""


class MailPreference(models.Model):
    """What one person gets by e-mail from the inbox, and when they last got a mail: at
    most one every `services.MAIL_INTERVAL`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="mail_preference"
    )
    mentions = models.BooleanField(_("mentions of me"), default=True)
    approvals = models.BooleanField(_("approvals of drafts"), default=True)
    guardrails = models.BooleanField(_("guardrails breached"), default=True)
    last_mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def wants(self, kind: str) -> bool:
        if kind == InboxKind.MENTION:
            return self.mentions
        if kind in (InboxKind.APPROVAL_REQUESTED, InboxKind.APPROVAL_DECIDED):
            return self.approvals
        if kind == InboxKind.GUARDRAIL:
            return self.guardrails
        return False
