"""Form widgets that stay fast on long lists.

Django renders each `<option>` of a select through a template of its own: about 1.5 ms
per option, 15 s for a list of 10,000 people. `QuickSelect` writes the very same HTML in
plain Python, a hundred times faster.
"""

from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as Django's attrs.html writes them: True alone, False and None left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{conditional_escape(value)}"')
    return "".join(parts)


class QuickSelect(forms.Select):
    """A single-choice select; Django's option dictionaries are skipped too."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Like Django, only the first option with the chosen value is selected.
        chosen = set(self.format_value(value))
        attributes = _attrs(self.build_attrs(self.attrs, attrs))
        html = [f'<select name="{conditional_escape(name)}"{attributes}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                html.append(f'\n  <optgroup label="{conditional_escape(option_value)}">')
                html.extend(self._option(v, sub, chosen) for v, sub in label)
                html.append("\n  </optgroup>")
            else:
                html.append(self._option(option_value, label, chosen))
        html.append("\n</select>")
        return mark_safe("".join(html))  # every value above is escaped

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str]) -> str:
        text = "" if value is None else str(value)
        selected = ""
        if text in chosen:
            selected = " selected"
            chosen.clear()
        return (
            f'\n  <option value="{conditional_escape(text)}"{selected}>'
            f"{conditional_escape(label)}</option>\n"
        )


# Past this many choices a picker asks for a few letters instead of listing everything.
LIST_LIMIT = 200


class SearchSelect(QuickSelect):
    """A model choice that stays small on a large organisation.

    Up to `LIST_LIMIT` choices it is a plain select. Past that, a text input whose
    suggestions come from `url` (htmx, `cible/picker.js`): picking one writes its id in a
    hidden input of the field's name. Without JavaScript, the text typed is enough when it
    is an id or matches exactly one choice on one of `lookups` (an e-mail, a full name).
    Either way the field checks the id against its queryset, as for a select.
    """

    def __init__(
        self, attrs: dict[str, Any] | None = None, url: str = "", lookups: tuple[str, ...] = ()
    ) -> None:
        super().__init__(attrs)
        self.url, self.lookups = url, lookups

    @property
    def queryset(self) -> Any:
        return self.choices.queryset  # type: ignore[attr-defined]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        chosen = data.get(name)
        if chosen:
            return chosen
        return self.resolve(str(data.get(f"{name}_search", "")).strip())

    def resolve(self, text: str) -> str:
        """The id of the one choice the text names, or the text itself (then refused)."""
        text = text.removeprefix("#").strip()
        if not text or text.isdigit() or not self.lookups:
            return text
        named = Q()
        for lookup in self.lookups:
            named |= Q(**{f"{lookup}__iexact": text})
        found = list(self.queryset.filter(named).values_list("pk", flat=True)[:2])
        return str(found[0]) if len(found) == 1 else text

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Whether there are too many to list, without sorting them: sorting all the KRs of
        # a large organisation to keep the first 201 took 40 to 70 ms on PostgreSQL.
        if not self.queryset.order_by()[LIST_LIMIT : LIST_LIMIT + 1].exists():
            first = list(self.queryset)
            field = self.choices.field  # type: ignore[attr-defined]
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            select = QuickSelect(self.attrs)
            select.is_required = self.is_required
            select.choices = empty + [(o.pk, field.label_from_instance(o)) for o in first]
            return select.render(name, value, attrs, renderer)
        return self.render_search(name, value, self.build_attrs(self.attrs, attrs))

    def render_search(self, name: str, value: Any, attrs: dict[str, Any]) -> SafeString:
        text = "" if value is None else str(value)
        chosen = ""
        if text.isdigit():
            found = self.queryset.filter(pk=text).first()
            if found is not None:
                chosen, text = text, self.choices.field.label_from_instance(found)  # type: ignore[attr-defined]
        field_id = attrs.get("id") or f"id_{name}"
        listed = f"{field_id}-suggestions"
        search = {
            **attrs,
            "id": field_id,
            "type": "search",
            "autocomplete": "off",
            "placeholder": gettext("Type a few letters"),
            "data-picker": True,
            "hx-get": self.url,
            "hx-trigger": "input changed delay:250ms, search",
            "hx-target": f"#{listed}",
            "hx-sync": "this:replace",
            "aria-controls": listed,
        }
        search.pop("required", None)
        hidden = conditional_escape(name)
        return mark_safe(
            '<div class="picker">'
            f'<input type="hidden" name="{hidden}" value="{conditional_escape(chosen)}">'
            f'<input name="{hidden}_search" value="{conditional_escape(text)}"{_attrs(search)}>'
            f'<ul class="picker-suggestions" id="{conditional_escape(listed)}"'
            ' aria-live="polite"></ul>'
            "</div>"
        )  # every value above is escaped


# A picker suggests a few choices: typing narrows the list, the page never holds it all.
SUGGESTIONS = 20


def picker_query(request: HttpRequest) -> str:
    """What was typed: htmx sends the input under its own name, `<field>_search`; the
    field is named in the URL when a form holds more than one picker."""
    field = request.GET.get("field")
    typed = (
        request.GET.get(f"{field}_search")
        if field
        else next((v for k, v in request.GET.items() if k.endswith("_search") and v), "")
    )
    return str(typed or request.GET.get("q", "")).strip()[:100]


def suggestions(query: str, rows: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The context of `orgs/_suggestions.html`: rows fetched one past the limit tell that
    more match."""
    return {"query": query, "suggestions": rows[:SUGGESTIONS], "more": len(rows) > SUGGESTIONS}
