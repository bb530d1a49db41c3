from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cible.lib.limits import SHORT_TEXT, limit_length
from cible.lib.text import TextRulesMixin
from cible.okrs.models import KeyResult
from cible.sources.models import MAX_MINUTES, MIN_MINUTES, DataSource, Every, SourceKind
from cible.sources.readers import SourceError
from cible.sources.readers.csv_table import resolve_file
from cible.sources.readers.json_url import PathError, parse_path

# The fields each kind uses; the others are emptied on save.
KIND_FIELDS = {
    SourceKind.JSON: ("url", "path"),
    SourceKind.CSV: ("url", "file", "column"),
    SourceKind.SQL: ("database", "query"),
}
SQL_FOR_ADMINS = _(
    "Only an administrator or an owner may set up an SQL source: it reads company data."
)


class DataSourceForm(TextRulesMixin, forms.ModelForm):  # type: ignore[type-arg]
    """One form for every kind: the fields of the chosen kind are required, the others
    are cleared."""

    database = forms.ChoiceField(label=_("Database"), required=False)

    class Meta:
        model = DataSource
        fields = ("kind", "url", "path", "file", "column", "database", "query", "every", "minutes")
        labels = {
            "kind": _("Kind of source"),
            "url": _("Address (URL)"),
            "path": _("Path to the number in the document"),
            "file": _("File in the data source folder"),
            "column": _("Column"),
            "query": _("SQL query"),
            "every": _("Runs"),
            "minutes": _("Every how many minutes"),
        }
        help_texts = {
            "url": _("An http:// or https:// address, read with a GET."),
            "path": _(
                "Keys separated by dots, list positions in brackets: data.items[0].count. "
                "Empty when the document is the number itself."
            ),
            "file": _("A CSV file's name, relative to the folder the server's operator set."),
            "column": _("The name of the column in the header row; its last value is read."),
            "query": _("One row of one numeric column, e.g. SELECT count(*) FROM orders."),
        }
        widgets = {
            # A text box (styled like the others) that phones still type an address into.
            "url": forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
            "query": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        }

    def __init__(
        self, *args: Any, key_result: KeyResult | None, allow_sql: bool, **kwargs: Any
    ) -> None:
        """`key_result`: the KR fed, or None for a KPI."""
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        self.allow_sql = allow_sql
        self.fields["url"].validators.append(URLValidator(schemes=["http", "https"]))
        database = self.fields["database"]
        assert isinstance(database, forms.ChoiceField)
        database.choices = [("", "—")] + [
            (name, name) for name in sorted(settings.SOURCE_DATABASES)
        ]
        limit_length(self.fields["query"], SHORT_TEXT)
        self.fields["minutes"].help_text = gettext("At least %(minutes)s.") % {
            "minutes": MIN_MINUTES
        }
        if not allow_sql:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            widget = kind.widget
            assert isinstance(widget, forms.Select)
            widget.choices = [("", "---------")] + [
                (value, label) for value, label in SourceKind.choices if value != SourceKind.SQL
            ]

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind == SourceKind.SQL and not self.allow_sql:
            raise forms.ValidationError(SQL_FOR_ADMINS)
        return kind

    def clean_path(self) -> str:
        path: str = self.cleaned_data.get("path", "").strip()
        try:
            parse_path(path)
        except PathError:
            raise forms.ValidationError(
                _("Write the path as keys separated by dots, e.g. data.items[0].count.")
            ) from None
        return path

    def clean_file(self) -> str:
        name: str = self.cleaned_data.get("file", "").strip()
        if name:
            try:
                resolve_file(name)
            except SourceError:
                raise forms.ValidationError(
                    _("Name a file inside the data source folder (%(folder)s).")
                    % {"folder": settings.SOURCE_FILES_DIR}
                ) from None
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.key_result is not None and self.key_result.driven_by_id is not None:
            self.add_error(
                None,
                _("This key result follows the progress of an objective: it takes no data source."),
            )
        kind = data.get("kind")
        if kind in KIND_FIELDS:
            self._require(kind, data)
            for name in ("url", "path", "file", "column", "database", "query"):
                if name not in KIND_FIELDS[SourceKind(kind)]:
                    data[name] = ""
        if data.get("every") == Every.MINUTES:
            minutes = data.get("minutes")
            if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
                self.add_error(
                    "minutes",
                    _("Enter a number of minutes between %(low)s and %(high)s.")
                    % {"low": MIN_MINUTES, "high": MAX_MINUTES},
                )
        else:
            data["minutes"] = None
        return data

    def _require(self, kind: str, data: dict[str, Any]) -> None:
        def missing(name: str, message: Any) -> None:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)

        if kind == SourceKind.JSON:
            missing("url", _("Enter the address of the JSON document."))
        elif kind == SourceKind.CSV:
            if data.get("url") and data.get("file"):
                self.add_error("file", _("Give an address or a file, not both."))
            elif not data.get("url") and "url" not in self.errors:
                missing("file", _("Enter the address of the CSV data, or the name of a file."))
            missing("column", _("Enter the name of the column to read."))
        elif kind == SourceKind.SQL:
            if not settings.SOURCE_DATABASES:
                self.add_error(
                    "database",
                    _("No database is configured for SQL sources (CIBLE_SOURCE_DATABASES)."),
                )
            missing("database", _("Choose the database to query."))
            missing("query", _("Enter the query."))


class EnableForm(TextRulesMixin, forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("1", _("On")), ("0", _("Off"))], coerce=lambda value: value == "1"
    )
