"""What the OKR file commands share: reading the file, the progress bar, the language."""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from cible.orgs.models import Organization

from .source import MAX_SIZE, Problem, too_large

LANGUAGES = [code for code, _label in settings.LANGUAGES]


def add_language(parser: CommandParser) -> None:
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help=_("The language of the messages (default: CIBLE_LANGUAGE)."),
    )


def add_quiet(parser: CommandParser) -> None:
    parser.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))


def read_text(name: str) -> str:
    """The file's text, or standard input's for "-"; a file larger than the limit is
    refused before it is read whole."""
    try:
        if name == "-":
            text = sys.stdin.read(MAX_SIZE + 1)
        else:
            with Path(name).open("rb") as file:
                data = file.read(MAX_SIZE + 1)
            if len(data) > MAX_SIZE:
                raise CommandError(located(name, too_large()))
            text = data.decode("utf-8-sig")
        if len(text) > MAX_SIZE:
            raise CommandError(located(name, too_large()))
        return text
    except UnicodeDecodeError as error:
        raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": name}) from error
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s")
            % {"file": name, "reason": error.strerror or error}
        ) from error


def located(name: str, problem: Problem, level: str = "error") -> str:
    """A problem as editors and CI tools read it: FILE:LINE: level: message."""
    return f"{name}:{problem.line}: {level}: {problem.message}"


def progress_bar(total: int, label: str, quiet: bool) -> Any:
    """A progress bar on the terminal's standard error; none when it is not a terminal
    (a pipe, a log file, CI) or with --quiet."""
    return tqdm(
        total=total,
        desc=label,
        file=sys.stderr,
        disable=quiet or not sys.stderr.isatty(),
        leave=False,
        unit="",
    )


def get_organization(slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(_("There is no organisation “%(slug)s”.") % {"slug": slug})
    return org
