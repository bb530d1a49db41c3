"""What happens to organisations, told to the apps above that react to it."""

from django.dispatch import Signal

# organization, creator: a new organisation, sent inside its creation's transaction (the
# OKRs give it this year and its quarters).
organization_created = Signal()
