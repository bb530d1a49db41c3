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

from cible.lib.http import parse_id
from cible.lib.text import searchable


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


def _resolve(queryset: Any, lookups: tuple[str, ...], text: str) -> str:
    """The id of the one choice of `queryset` that `text` names ("#12", "12", or an exact
    value of one of `lookups`), or the text itself, which the field then refuses."""
    text = text.removeprefix("#").strip()
    if not text or text.isdigit() or not lookups:
        return text
    named = Q()
    for lookup in lookups:
        named |= Q(**{f"{lookup}__iexact": text})
    found = list(queryset.filter(named).values_list("pk", flat=True)[:2])
    return str(found[0]) if len(found) == 1 else text


def _search_attrs(attrs: dict[str, Any], field_id: str, listed: str, url: str) -> dict[str, Any]:
    """The attributes of a picker's search input: its suggestions come from `url` into the
    element `listed` as one types (htmx). Never required: the chosen value is the field."""
    search = {
        **attrs,
        "id": field_id,
        "type": "search",
        "autocomplete": "off",
        "placeholder": gettext("Type a few letters"),
        "data-picker": True,
        "hx-get": url,
        "hx-trigger": "input changed delay:250ms, search",
        "hx-target": f"#{listed}",
        "hx-sync": "this:replace",
        "aria-controls": listed,
    }
    search.pop("required", None)
    return search


def _too_many(queryset: Any) -> bool:
    # Whether there are too many to list, without sorting them: sorting all the KRs of a
    # large organisation to keep the first 201 took 40 to 70 ms on PostgreSQL.
    return bool(queryset.order_by()[LIST_LIMIT : LIST_LIMIT + 1].exists())


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
        return _resolve(self.queryset, self.lookups, text)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if not _too_many(self.queryset):
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
        search = _search_attrs(attrs, field_id, listed, self.url)
        hidden = conditional_escape(name)
        return mark_safe(
            '<div class="picker">'
            f'<input type="hidden" name="{hidden}" value="{conditional_escape(chosen)}">'
            f'<input name="{hidden}_search" value="{conditional_escape(text)}"{_attrs(search)}>'
            f'<ul class="picker-suggestions" id="{conditional_escape(listed)}"'
            ' aria-live="polite"></ul>'
            "</div>"
        )  # every value above is escaped


class SearchMultiSelect(forms.CheckboxSelectMultiple):
    """Several model choices that stay small on a large organisation.

    Up to `LIST_LIMIT` choices it is Django's list of checkboxes. Past that, a text input
    whose suggestions come from `url` (htmx, `cible/picker.js`), over the chosen ones only,
    checked: picking a suggestion adds it to them, unchecking one drops it.
    Without JavaScript, the text typed adds the one choice it names, by id ("#12") or by
    an exact value of one of `lookups`. The field checks every id against its queryset.
    """

    def __init__(
        self, attrs: dict[str, Any] | None = None, url: str = "", lookups: tuple[str, ...] = ()
    ) -> None:
        super().__init__(attrs)
        self.url, self.lookups = url, lookups
        self._counted: tuple[Any, bool] | None = None

    @property
    def queryset(self) -> Any:
        return self.choices.queryset  # type: ignore[attr-defined]

    def searching(self) -> bool:
        """Whether there are too many choices to list: asked once per set of choices, as
        the page around the widget asks it too (to leave out the list's filter)."""
        if self._counted is None or self._counted[0] is not self.choices:
            self._counted = (self.choices, _too_many(self.queryset))
        return self._counted[1]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        chosen = [str(v) for v in super().value_from_datadict(data, files, name) or []]
        typed = str(data.get(f"{name}_search", "")).strip()
        if typed:
            chosen.append(_resolve(self.queryset, self.lookups, typed))
        # An id too large for the database would fail the field's query: it is refused as
        # text instead.
        return list(dict.fromkeys(v if parse_id(v) or not v.isdigit() else f"#{v}" for v in chosen))

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if not self.searching():
            return super().render(name, value, attrs, renderer)
        return self.render_search(name, value, self.build_attrs(self.attrs, attrs))

    def render_search(self, name: str, value: Any, attrs: dict[str, Any]) -> SafeString:
        values = [str(v) for v in self.format_value(value)]
        ids = [i for i in map(parse_id, values) if i is not None]
        found = {str(o.pk): o for o in self.queryset.filter(pk__in=ids)} if ids else {}
        label = self.choices.field.label_from_instance  # type: ignore[attr-defined]
        # What names no choice (a title matching none) is given back to correct.
        text = next((v for v in values if v and v not in found), "")
        field_id = attrs.get("id") or f"id_{name}"
        listed, chosen_id = f"{field_id}-suggestions", f"{field_id}-chosen"
        search = _search_attrs(attrs, field_id, listed, self.url)
        field_name = conditional_escape(name)
        checked = "".join(
            f'<div><label><input type="checkbox" name="{field_name}"'
            f' value="{conditional_escape(pk)}" checked> {conditional_escape(label(found[pk]))}'
            "</label></div>"
            for pk in dict.fromkeys(v for v in values if v in found)
        )
        return mark_safe(
            f'<div class="picker picker-multiple" data-multiple data-name="{field_name}">'
            f'<input name="{field_name}_search" value="{conditional_escape(text)}"'
            f"{_attrs(search)}>"
            f'<ul class="picker-suggestions" id="{conditional_escape(listed)}"'
            ' aria-live="polite"></ul>'
            f'<div class="picker-list picker-chosen" id="{conditional_escape(chosen_id)}">'
            f"{checked}</div>"
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
    return searchable(str(typed or request.GET.get("q", "")).strip()[:100])


def suggestions(query: str, rows: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The context of `orgs/_suggestions.html`: rows fetched one past the limit tell that
    more match."""
    return {"query": query, "suggestions": rows[:SUGGESTIONS], "more": len(rows) > SUGGESTIONS}
