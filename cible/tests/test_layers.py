"""Apps import one way: each module of `cible/` sits in a layer and imports only from its own
layer's app or from the layers below (docs/architecture.md says why this order).

The check reads the sources with `ast` (nothing is imported), so it also sees imports that only
run later: an import inside a function, which would hide a cycle, is refused too.
"""

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# From the bottom up. Each layer maps an app (a group of modules) to the prefixes of its
# modules; the longest prefix wins, so a package may lend a few modules to a higher layer.
LAYERS: list[dict[str, tuple[str, ...]]] = [
    {"lib": ("cible.lib",)},
    {"accounts": ("cible.accounts",)},
    # The audit recorder (`record()` and its model): orgs, okrs and check-ins call it inside
    # their own transactions, so it sits below them; its foreign keys name their models as
    # strings and it imports none of them.
    {"audit": ("cible.audit",)},
    {"orgs": ("cible.orgs",)},
    {"okrs": ("cible.okrs",)},
    # KPIs and the key results they guard: the weekly meeting's agenda (check-ins) reads
    # guardrail breaches, so KPIs sit below the check-ins.
    {"kpis": ("cible.kpis",)},
    {"checkins": ("cible.checkins",)},
    {
        "insights": ("cible.insights",),
        "notifications": ("cible.notifications",),
        "webhooks": ("cible.webhooks",),
        "sources": ("cible.sources",),
        "inbound": ("cible.inbound",),
    },
    # Comments, reactions and the inbox: they read the OKRs and check-ins, tell the webhooks
    # and read the reminders' check-ins due; the API and the pages above use them.
    {"collab": ("cible.collab",)},
    {
        "api": ("cible.api",),
        "okrfiles": ("cible.okrfiles",),
        # The audit trail's pages and the erasure of a person: erasing touches the data of
        # every app below (memberships, teams, deliveries, history), the pages use the tables
        # of insights.
        "audit pages": (
            "cible.audit.erasure",
            "cible.audit.forms",
            "cible.audit.views",
            "cible.audit.urls",
        ),
    },
    {
        "front": ("cible.front",),
        "ops": ("cible.ops",),
        "samples": ("cible.samples",),
    },
    # The project's own modules: they assemble every app.
    {
        "project": (
            "cible",
            "cible.settings",
            "cible.urls",
            "cible.wsgi",
            "cible.cli",
            "cible.__main__",
        ),
    },
]

# Apps of one layer import each other in these directions only (never both ways).
SIBLINGS: set[tuple[str, str]] = {
    # A data source's failure is mailed to its owner as the notifications send their mail;
    # notifications know nothing of data sources.
    ("sources", "notifications"),
    # A reply to a reminder is checked against the reply address the reminder carried, and
    # answered by mail as the notifications send theirs.
    ("inbound", "notifications"),
    # `cible serve --prod` runs the production mode of ops.
    ("front", "ops"),
    # The API plans and applies OKR files as `cible plan` and `cible apply` do.
    ("api", "okrfiles"),
}

# Imports inside a function that are deliberate lazy loads, as (importing module, imported).
LAZY: set[tuple[str, str]] = {
    # fpdf and openpyxl load only when someone asks for a PDF or an XLSX file, not in every
    # web and worker process at start-up (cible/ops/tests/test_settings.py proves it).
    ("cible.insights.views.reports", "cible.insights.report_pdf"),
    ("cible.insights.views.exports", "cible.insights.xlsx"),
}

# Imports under `if TYPE_CHECKING:` follow the layers too, except these, which never run.
TYPE_ONLY: set[tuple[str, str]] = {
    # The request type of every view says that its user is a Cible person; lib only names
    # the type, it never reaches the accounts app.
    ("cible.lib.http", "cible.accounts.models"),
    # The recorder's signatures name the organisation and team they are given.
    ("cible.audit.models", "cible.orgs.models"),
    ("cible.audit.services", "cible.orgs.models"),
}


@dataclass(frozen=True)
class Import:
    module: str
    imported: str
    line: int
    function: str | None  # the enclosing function's name, None at module level
    type_only: bool

    def __str__(self) -> str:
        where = f" (in {self.function}())" if self.function else ""
        return f"{self.module}:{self.line} imports {self.imported}{where}"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = ROOT) -> Iterator[Path]:
    """Every module of the project, without its tests and migrations."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if {"tests", "migrations"} & set(parts[:-1]):
            continue
        if parts[-1] == "conftest.py" or parts[-1].startswith("test_"):
            continue
        yield path


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, source: str, known: Iterable[str] = ()) -> list[Import]:
    """The `cible` imports of a module's source, each with where it sits."""
    known = set(known)
    # A relative import starts from the module's package (a package's is itself).
    package = module if _is_package(module, known) else module.rpartition(".")[0]
    found: list[Import] = []

    def resolve(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return ".".join([*base, *([node.module] if node.module else [])])

    def visit(node: ast.AST, function: str | None, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = getattr(child, "name", "<lambda>")
                visit(child, function or name, type_only)
            elif isinstance(child, ast.If) and is_type_checking(child.test):
                for statement in child.body:
                    visit(ast.Module(body=[statement], type_ignores=[]), function, True)
                for statement in child.orelse:
                    visit(ast.Module(body=[statement], type_ignores=[]), function, type_only)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(module, alias.name, child.lineno, function, type_only))
            elif isinstance(child, ast.ImportFrom):
                base = resolve(child)
                for alias in child.names:
                    name = f"{base}.{alias.name}"
                    target = name if name in known else base
                    found.append(Import(module, target, child.lineno, function, type_only))
            else:
                visit(child, function, type_only)

    visit(ast.parse(source), None, False)
    return [found for found in found if found.imported.split(".")[0] == "cible"]


def _is_package(module: str, known: set[str]) -> bool:
    return any(other.startswith(module + ".") for other in known)


def place(module: str) -> tuple[int, str]:
    """The layer (its rank from the bottom) and the app of a module."""
    best: tuple[int, int, str] | None = None
    for rank, layer in enumerate(LAYERS):
        for app, prefixes in layer.items():
            for prefix in prefixes:
                inside = module == prefix or module.startswith(prefix + ".")
                if inside and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), rank, app)
    if best is None:
        raise LookupError(f"{module} is in no layer: add it to LAYERS")
    return best[1], best[2]


def problems(found: Iterable[Import]) -> list[str]:
    """What breaks the rules: upward, sideways against SIBLINGS, or inside a function."""
    result = []
    for item in dict.fromkeys(found):
        rank, app = place(item.module)
        other_rank, other_app = place(item.imported)
        if item.function is not None:
            registration = item.function == "ready" and item.module.endswith(".apps")
            if not registration and (item.module, item.imported) not in LAZY:
                result.append(f"inside a function: {item}")
                continue
        if item.type_only and (item.module, item.imported) in TYPE_ONLY:
            continue
        if other_rank > rank:
            result.append(f"upward ({app} -> {other_app}): {item}")
        elif other_rank == rank and other_app != app and (app, other_app) not in SIBLINGS:
            result.append(f"sideways ({app} -> {other_app}): {item}")
    return result


def project_imports(root: Path = ROOT) -> list[Import]:
    paths = list(source_files(root))
    known = {module_name(path, root) for path in paths}
    return [
        found
        for path in paths
        for found in imports_of(module_name(path, root), path.read_text(), known)
    ]


def cycles(found: Iterable[Import]) -> list[list[str]]:
    """The groups of modules that import each other, in a circle, at import time."""
    graph: dict[str, set[str]] = {}
    for item in found:
        if item.function is None and not item.type_only and item.imported != item.module:
            graph.setdefault(item.module, set()).add(item.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    result = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                result.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return result


def test_every_module_imports_only_its_own_layer_and_the_layers_below() -> None:
    assert problems(project_imports()) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    # A package imports its own modules (`from cible.x import y`) without a circle.
    found = [item for item in project_imports() if not item.module.startswith(item.imported)]
    assert cycles(found) == []


def test_every_allowance_is_still_used() -> None:
    found = project_imports()
    sideways = set()
    for item in found:
        (rank, app), (other_rank, other_app) = place(item.module), place(item.imported)
        if rank == other_rank and app != other_app:
            sideways.add((app, other_app))
    assert SIBLINGS - sideways == set()
    assert LAZY - {(item.module, item.imported) for item in found if item.function} == set()
    type_only = {(item.module, item.imported) for item in found if item.type_only}
    assert TYPE_ONLY - type_only == set()


def test_every_module_is_in_a_layer() -> None:
    for path in source_files():
        place(module_name(path))


def test_siblings_import_each_other_one_way_at_most() -> None:
    assert {(b, a) for a, b in SIBLINGS} & SIBLINGS == set()
    for a, b in SIBLINGS:
        assert place_of_app(a) == place_of_app(b)


def place_of_app(app: str) -> int:
    return next(rank for rank, layer in enumerate(LAYERS) if app in layer)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("cible.okrs.services", "from cible.insights.forecasts import forecast\n"),
        ("cible.lib.coach", "import cible.okrs.models\n"),
        ("cible.orgs.models", "from cible.audit import views\n"),
        ("cible.checkins.models", "if TYPE_CHECKING:\n    from cible.api.main import api\n"),
    ],
)
def test_an_upward_import_is_refused(module: str, source: str) -> None:
    known = {module_name(path) for path in source_files()}
    found = problems(imports_of(module, source, known))
    assert len(found) == 1
    assert found[0].startswith("upward")


def test_an_upward_import_added_to_a_project_file_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "cible"
    for path in source_files():
        copy = package / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text())
    assert problems(project_imports(package)) == []
    services = package / "okrs" / "services.py"
    services.write_text(services.read_text() + "\nfrom cible.checkins.models import CheckIn\n")
    assert problems(project_imports(package)) == [
        "upward (okrs -> checkins): cible.okrs.services:"
        f"{len(services.read_text().splitlines())} imports cible.checkins.models"
    ]


def test_a_sideways_import_against_the_allowed_direction_is_refused() -> None:
    found = imports_of("cible.ops.views", "from cible.front.views import home\n")
    assert problems(found) == [
        "sideways (ops -> front): cible.ops.views:1 imports cible.front.views"
    ]


def test_an_import_inside_a_function_is_refused() -> None:
    source = "def f():\n    from cible.okrs.models import Objective\n"
    assert problems(imports_of("cible.checkins.services", source)) == [
        "inside a function: cible.checkins.services:2 imports cible.okrs.models (in f())"
    ]


def test_a_circle_between_two_modules_of_one_app_is_found() -> None:
    found = [
        *imports_of("cible.webhooks.services", "from cible.webhooks.tasks import deliver\n"),
        *imports_of("cible.webhooks.tasks", "from cible.webhooks.services import send\n"),
    ]
    assert cycles(found) == [["cible.webhooks.services", "cible.webhooks.tasks"]]
