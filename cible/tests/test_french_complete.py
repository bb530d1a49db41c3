"""French is complete: every page, partial and form reads in French, and every string marked
for translation has its French text.

1. Rendered: every URL of the permissions matrix (cible/tests/test_url_matrix.py, which knows
   how to fill each URL's arguments) is requested in French, as a page and as an htmx partial
   (`HX-Request: true`), by the owner and, where the page is public, by an anonymous
   visitor; the modal forms are in the pages that open them, and every form of an
   organisation is also posted without its fields, to be read with its errors. Each
   visible text (text nodes outside scripts and styles, and the title, aria-label,
   placeholder and alt attributes) that equals an English msgid of the catalogue whose
   French differs is untranslated. The texts of the world built for the test (names,
   titles) are user data, left aside.
2. Marked: every gettext call in cible/**/*.py (under any name it is imported as) and every
   {% translate %} and {% blocktranslate %} of the templates has a non-empty msgstr in
   cible/locale/fr/LC_MESSAGES/django.po.
3. The API's documentation: each summary and description of the OpenAPI schema, which
   the interactive documentation shows, is served in French.

Each check is shown to fail on a string left untranslated.
"""

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

import cible.tests.test_url_matrix as matrix
from conftest import build_world

CIBLE = Path(settings.BASE_DIR)
PO = CIBLE / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# Visible English that is right in a French page, and why.
ALLOWED = {
    "English": "the language switcher names each language in itself",
}


def load_catalogue(path: Path = PO) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="fr")


# 1. Rendered pages ---------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The texts a reader sees or hears: text nodes (not in script, style or template) and
    the attributes that screen readers and tooltips say."""

    HIDDEN = {"script", "style", "template"}
    SPOKEN = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        self.texts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def visible_texts(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return {" ".join(text.split()) for text in parser.texts} - {""}


def _forms(value: Any) -> tuple[str, ...]:
    """A catalogue message's id or string: one text, or a tuple of plural forms."""
    return tuple(value) if isinstance(value, (tuple, list)) else (str(value or ""),)


def english_only(catalogue: Catalog) -> set[str]:
    """The msgids whose French reads otherwise: seen as they are, they are untranslated.
    A msgid that is also some entry's French (a word both languages share) is left out."""
    french: set[str] = set()
    english: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = _forms(message.id)
        strings = _forms(message.string)
        french.update(" ".join(s.split()) for s in strings if s)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgstr and msgstr != msgid:
                english.add(" ".join(msgid.split()))
    return english - french


def untranslated(html: str, english: set[str], user_data: set[str]) -> list[str]:
    return sorted(
        text
        for text in visible_texts(html) & english
        if text not in user_data and text not in ALLOWED
    )


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    htmx: bool

    def __str__(self) -> str:
        return f"{self.name}-{self.role}{'-htmx' if self.htmx else ''}"


def _pages() -> Iterator[Page]:
    for name, spec in matrix.TABLE.items():
        if spec.get is None:
            continue
        for role in ("owner", "anonymous"):
            if spec.get[role] == matrix.OK:
                for htmx in (False, True):
                    yield Page(name, role, htmx)


# Pages outside the matrix: the API's documentation (its JSON schema is tested below).
API_DOCS = "/api/v1/docs"


def _user_data(ctx: matrix.Ctx) -> set[str]:
    """Every short text stored in the world: names, titles, notes."""
    texts: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("cible."):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "TextField"}
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            texts.update(" ".join(str(value).split()) for value in row if value)
    return texts


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[matrix.Ctx, set[str]]]:
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        ctx = matrix.build_ctx(build_world())
        yield ctx, _user_data(ctx)
        transaction.set_rollback(True)


@pytest.fixture
def french(shared: tuple[matrix.Ctx, set[str]], db: None) -> tuple[matrix.Ctx, set[str]]:
    return shared


@pytest.fixture(scope="module")
def english() -> set[str]:
    return english_only(load_catalogue())


def _french_client(ctx: matrix.Ctx, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    user = ctx.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _html(response: Any) -> str:
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return matrix._text(response)


@pytest.mark.parametrize("page", list(_pages()), ids=str)
def test_every_page_reads_in_french(
    french: tuple[matrix.Ctx, set[str]], english: set[str], page: Page
) -> None:
    ctx, user_data = french
    url = matrix.TABLE[page.name].url(page.name, ctx)
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = _french_client(ctx, page.role).get(url, headers=headers)
    assert response.status_code < 500
    html = _html(response)
    if html and not page.htmx:
        assert 'lang="fr"' in html or "<html" not in html, f"{url} is not in French"
    assert untranslated(html, english, user_data) == [], f"GET {url} as {page.role}"


# The forms sent back with their errors: each page that is a form, posted without its fields.
FORMS = [
    name
    for name, spec in matrix.TABLE.items()
    if spec.get is not None
    and spec.post is not None
    and spec.get["owner"] == matrix.OK
    and spec.org  # the sign-in and account forms are allauth's, in its own French
]


@pytest.mark.parametrize("name", FORMS)
def test_every_form_with_its_errors_reads_in_french(
    french: tuple[matrix.Ctx, set[str]], english: set[str], name: str
) -> None:
    ctx, user_data = french
    url = matrix.TABLE[name].url(name, ctx)
    client = _french_client(ctx, "owner")
    # A body, though not the form's fields: the form is bound, and every field it needs is missing.
    response = client.post(url, {"unknown": "1"}, headers={"HX-Request": "true"})
    assert response.status_code < 500
    assert untranslated(_html(response), english, user_data) == [], f"POST {url}"


def test_the_api_docs_page_reads_in_french(
    french: tuple[matrix.Ctx, set[str]], english: set[str]
) -> None:
    ctx, user_data = french
    html = _html(_french_client(ctx, "owner").get(API_DOCS))
    assert 'lang="fr"' in html
    assert untranslated(html, english, user_data) == []


def test_an_untranslated_string_on_a_page_is_caught(
    french: tuple[matrix.Ctx, set[str]], english: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the French of "Dashboard" gone from the running catalogue, the page shows the
    English word and the check names it; with it back, nothing."""
    ctx, user_data = french
    url = matrix.TABLE["dashboard"].url("dashboard", ctx)
    client = _french_client(ctx, "owner")
    assert untranslated(_html(client.get(url)), english, user_data) == []
    original = trans_real.DjangoTranslation.gettext

    def forgetful(self: Any, message: str) -> str:
        return message if message == "Dashboard" else str(original(self, message))

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", forgetful)
    assert untranslated(_html(client.get(url)), english, user_data) == ["Dashboard"]


def test_the_text_extraction_sees_what_a_reader_sees() -> None:
    html = (
        '<p title="Hint">One <b>two</b></p><script>var x = "Hidden";</script>'
        '<input placeholder="Search  OKRs"><style>.a{}</style><img alt="Logo">'
    )
    assert visible_texts(html) == {"Hint", "One", "two", "Search OKRs", "Logo"}
    assert untranslated(html, {"Hidden", "two", "Logo"}, {"Logo"}) == ["two"]


# 2. Marked strings -------------------------------------------------------------------------

# gettext functions by their name in django.utils.translation: (kind, arguments).
FUNCTIONS = {
    "gettext": "singular",
    "gettext_lazy": "singular",
    "gettext_noop": "singular",
    "ngettext": "plural",
    "ngettext_lazy": "plural",
    "pgettext": "context",
    "pgettext_lazy": "context",
    "npgettext": "context_plural",
    "npgettext_lazy": "context_plural",
}


@dataclass(frozen=True)
class Marked:
    where: str
    msgid: str
    plural: str | None = None
    context: str | None = None


def _aliases(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local names of the gettext functions (`_`, `_lazy`, `gettext`...) and of the
    translation module (`translation`), from the module's imports."""
    names: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {a.asname or a.name for a in node.names if a.name == "translation"}
    return names, modules


def _strings(args: list[ast.expr], count: int) -> list[str] | None:
    values = [a.value for a in args[:count] if isinstance(a, ast.Constant)]
    strings = [v for v in values if isinstance(v, str)]
    return strings if len(strings) == count else None


def python_marked(path: Path, source: str | None = None) -> Iterator[Marked]:
    source = path.read_text() if source is None else source
    tree = ast.parse(source)
    names, modules = _aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in names:
            kind = FUNCTIONS[names[function.id]]
        elif (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id in modules
            and function.attr in FUNCTIONS
        ):
            kind = FUNCTIONS[function.attr]
        else:
            continue
        where = f"{path.relative_to(CIBLE.parent)}:{node.lineno}"
        count = {"singular": 1, "plural": 2, "context": 2, "context_plural": 3}[kind]
        strings = _strings(node.args, count)
        if strings is None:
            continue  # a variable: translated where its literal is marked
        if kind == "singular":
            yield Marked(where, strings[0])
        elif kind == "plural":
            yield Marked(where, strings[0], plural=strings[1])
        elif kind == "context":
            yield Marked(where, strings[1], context=strings[0])
        else:
            yield Marked(where, strings[1], plural=strings[2], context=strings[0])


TEMPLATE_CALL = re.compile(r"\b(gettext|ngettext|pgettext|npgettext|_)\(")


def _calls(code: str) -> Iterator[tuple[int, ast.Call]]:
    """The gettext calls of templatize's output, which is Python only around them: each
    call is read from its name to the first closing parenthesis that ends an expression."""
    for match in TEMPLATE_CALL.finditer(code):
        end = match.end()
        while (end := code.find(")", end)) != -1:
            end += 1
            try:
                node = ast.parse(code[match.start() : end], mode="eval").body
            except SyntaxError:
                continue
            if isinstance(node, ast.Call):
                yield code.count("\n", 0, match.start()) + 1, node
            break


def template_marked(path: Path, source: str | None = None) -> Iterator[Marked]:
    """What makemessages would find: Django turns the template into gettext calls."""
    source = path.read_text() if source is None else source
    code = templatize(source, origin=str(path))
    where = str(path.relative_to(CIBLE.parent))
    for lineno, call in _calls(code):
        assert isinstance(call.func, ast.Name)
        name = {"_": "gettext"}.get(call.func.id, call.func.id)
        kind = FUNCTIONS[name]
        count = {"singular": 1, "plural": 2, "context": 2, "context_plural": 3}[kind]
        strings = _strings(call.args, count)
        if strings is None:
            continue
        at = f"{where}:{lineno}"
        if kind == "singular":
            yield Marked(at, strings[0])
        elif kind == "plural":
            yield Marked(at, strings[0], plural=strings[1])
        elif kind == "context":
            yield Marked(at, strings[1], context=strings[0])
        else:
            yield Marked(at, strings[1], plural=strings[2], context=strings[0])


def project_files() -> tuple[list[Path], list[Path]]:
    def skipped(path: Path) -> bool:
        parts = path.relative_to(CIBLE).parts
        return "tests" in parts or "migrations" in parts

    python = [p for p in sorted(CIBLE.rglob("*.py")) if not skipped(p)]
    templates = [
        p
        for p in sorted(CIBLE.rglob("*"))
        if p.suffix in {".html", ".txt", ".md"} and "templates" in p.parts and not skipped(p)
    ]
    return python, templates


def missing(marked: Iterable[Marked], catalogue: Catalog) -> list[str]:
    problems = []
    for mark in marked:
        key: Any = (mark.msgid, mark.plural) if mark.plural is not None else mark.msgid
        message = catalogue.get(key, context=mark.context)
        if message is None and mark.plural is not None:
            message = catalogue.get(mark.msgid, context=mark.context)
        strings = message.string if message is not None else None
        if isinstance(strings, str):
            strings = (strings,)
        if not strings or not all(strings):
            problems.append(f"{mark.where}: {mark.msgid!r} has no French")
    return sorted(set(problems))


def all_marked() -> list[Marked]:
    python, templates = project_files()
    marks = [m for path in python for m in python_marked(path)]
    marks += [m for path in templates for m in template_marked(path)]
    return marks


def test_every_marked_string_has_its_french() -> None:
    marks = all_marked()
    assert len(marks) > 1000  # the scan sees the project's strings
    assert missing(marks, load_catalogue()) == []


def test_a_marked_string_without_french_is_caught() -> None:
    """Python under its aliases, templates with context and plural: each is found, and an
    entry of the catalogue emptied or absent is reported."""
    source = (
        "from django.utils.translation import gettext_lazy as _lazy, ngettext, pgettext\n"
        "from django.utils import translation\n"
        "A = _lazy('Dashboard')\n"
        "B = ngettext('%(count)s day', '%(count)s days', 2)\n"
        "C = pgettext('score', 'Score')\n"
        "D = translation.gettext('Not a string in the catalogue at all')\n"
        "E = _lazy(variable)\n"
    )
    template = (
        '{% load i18n %}{% translate "Dashboard" %}'
        "{% blocktranslate trimmed with name=x %}\n  Hello {{ name }}\n{% endblocktranslate %}"
    )
    found = list(python_marked(CIBLE / "module.py", source))
    assert [m.msgid for m in found] == [
        "Dashboard",
        "%(count)s day",
        "Score",
        "Not a string in the catalogue at all",
    ]
    assert found[1].plural == "%(count)s days" and found[2].context == "score"
    in_template = list(template_marked(CIBLE / "templates" / "x.html", template))
    assert [m.msgid for m in in_template] == ["Dashboard", "Hello %(name)s"]

    catalogue = load_catalogue()
    problems = missing(found[:1], catalogue)
    assert problems == []
    catalogue["Dashboard"].string = ""
    assert missing(found[:1], catalogue) == ["cible/module.py:3: 'Dashboard' has no French"]
    assert missing(found[3:], catalogue) == [
        "cible/module.py:6: 'Not a string in the catalogue at all' has no French"
    ]


def test_the_catalogue_has_no_empty_french() -> None:
    empty = [
        message.id
        for message in load_catalogue()
        if message.id
        and not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert empty == []


def test_every_template_translation_tag_is_seen() -> None:
    """The template scan finds as many messages as there are translation tags."""
    _python, templates = project_files()
    tags = re.compile(r"{%\s*(translate|trans|blocktranslate|blocktrans)\s")
    for path in templates:
        text = path.read_text()
        count = len(tags.findall(text))
        assert len(list(template_marked(path, text))) >= count, path


# 3. The API's documentation ----------------------------------------------------------------


def schema_texts(schema: Any, key: str = "") -> Iterator[tuple[str | None, str]]:
    """(context, text) of each summary and description, in the schema's order."""
    if isinstance(schema, dict):
        for name, value in schema.items():
            if name in {"summary", "description"} and isinstance(value, str) and value:
                yield ("HTTP status" if key.isdigit() else None), value
            else:
                yield from schema_texts(value, str(name))
    elif isinstance(schema, list):
        for item in schema:
            yield from schema_texts(item, key)


def _schema(client: Client, language: str) -> Any:
    response = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


def schema_problems(
    english: list[tuple[str | None, str]],
    in_french: list[tuple[str | None, str]],
    catalogue: Catalog,
) -> list[str]:
    problems = []
    for (context, text), (_same, shown) in zip(english, in_french, strict=True):
        message = catalogue.get(text, context=context)
        if message is None or not message.string:
            problems.append(f"no French for {text!r}")
        elif shown != message.string:
            problems.append(f"{text!r} shown as {shown!r}")
    return problems


def test_the_api_schema_reads_in_french(french: tuple[matrix.Ctx, set[str]]) -> None:
    """The interactive documentation shows the schema's texts: each summary and
    description has its French, and the French schema carries it."""
    ctx, _user_data = french
    client = _french_client(ctx, "owner")
    catalogue = load_catalogue()
    english = list(schema_texts(_schema(client, "en")))
    in_french = list(schema_texts(_schema(client, "fr")))
    assert len(english) > 90 and len(in_french) == len(english)
    assert ("HTTP status", "Not Found") in english
    assert schema_problems(english, in_french, catalogue) == []
    # The check of the check: a text without its French, or not shown in French.
    del catalogue["In the title."]
    assert set(schema_problems(english, in_french, catalogue)) == {"no French for 'In the title.'"}
    assert schema_problems(english, english, load_catalogue())[:1] == [
        f"{english[0][1]!r} shown as {english[0][1]!r}"
    ]
