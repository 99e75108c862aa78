"""Rule `rasa-private` / `rasa-patch`: Rasa's insides are touched in one module only.

What counts as a use of Rasa's private parts (a `_`-prefixed name that is not a dunder):
- importing it from `rasa` / `rasa_sdk`, or importing from a private module of theirs;
- `X._name` where `X` is Rasa's: a name bound by an import from `rasa`/`rasa_sdk` (or an
  attribute chain or call from one), or a variable of a Rasa type in the same function (a
  parameter or variable annotated with a Rasa class, or assigned a call of one);
- in a class deriving from a Rasa class (through our own classes too, across modules):
  `self._name`, `cls._name` and `super()._name` when a Rasa ancestor defines `_name` (read from
  the installed Rasa's source), and defining a method or class attribute that overrides one.
  Our own `self._x` (not defined by any Rasa ancestor) is ours. When a Rasa ancestor's source
  cannot be found, any `self._x` our classes do not define counts.
- `getattr(X, "_name")` on such an `X`.
`rasa-patch`: assigning onto Rasa's objects (`RasaClass.attr = ...`, `setattr(rasa_module, ...)`):
a monkey-patch, whatever the name.
Names are tracked per file (imports) and per function (variables), without flow analysis.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from house_violation import Violation

RASA_PACKAGES = ("rasa", "rasa_sdk")
MAX_DEPTH = 25

#: local name -> (module, attribute or None for a module import)
Bindings = dict[str, tuple[str, str | None]]


def is_rasa_module(module: str) -> bool:
    return module.split(".", 1)[0] in RASA_PACKAGES


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_name(relative: str) -> tuple[str, bool]:
    """`actions/flow/__init__.py` -> (`actions.flow`, True): the dotted name, and is a package."""
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def import_bindings(tree: ast.Module, module: str, is_package: bool) -> Bindings:
    """Every name an import binds anywhere in the file (imports inside functions included)."""
    bindings: Bindings = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.split(".", 1)[0]
                    bindings[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            source = absolute_module(node, module, is_package)
            for alias in node.names:
                if alias.name != "*":
                    bindings[alias.asname or alias.name] = (source, alias.name)
    return bindings


def absolute_module(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def names_defined(node: ast.ClassDef) -> set[str]:
    """Methods, class attributes and `self.x = ...` of one class body."""
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.add(statement.target.id)
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Attribute)
            and isinstance(inner.ctx, ast.Store)
            and isinstance(inner.value, ast.Name)
            and inner.value.id in ("self", "cls")
        ):
            names.add(inner.attr)
    return names


@dataclass
class ClassInfo:
    rasa_ancestor: bool = False
    rasa_names: set[str] = field(default_factory=set)  # private names Rasa ancestors define
    own_names: set[str] = field(default_factory=set)  # names our classes of the chain define
    resolved: bool = True  # every Rasa ancestor's source was read


class RasaSources:
    """Module sources by dotted name: ours under the root, Rasa's in the installed packages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trees: dict[str, tuple[ast.Module, bool] | None] = {}
        self.classes: dict[tuple[str, str], ClassInfo | None] = {}

    def module_file(self, module: str) -> tuple[Path, bool] | None:
        parts = module.split(".")
        if is_rasa_module(module):
            spec = importlib.util.find_spec(parts[0])  # a top-level spec imports nothing
            if spec is None or not spec.submodule_search_locations:
                return None
            base, rest = Path(next(iter(spec.submodule_search_locations))), parts[1:]
        else:
            base, rest = self.root, parts
        stem = base.joinpath(*rest)
        if stem.with_suffix(".py").is_file() and rest:
            return stem.with_suffix(".py"), False
        if (stem / "__init__.py").is_file():
            return stem / "__init__.py", True
        return None

    def tree(self, module: str) -> tuple[ast.Module, bool] | None:
        if module not in self.trees:
            found = self.module_file(module)
            try:
                self.trees[module] = (
                    (ast.parse(found[0].read_text(encoding="utf-8")), found[1]) if found else None
                )
            except (SyntaxError, UnicodeDecodeError, OSError):
                self.trees[module] = None
        return self.trees[module]

    def class_info(self, module: str, name: str, depth: int = 0) -> ClassInfo | None:
        """What the class `module.name` inherits, following re-exports; None when not found."""
        key = (module, name)
        if key in self.classes or depth > MAX_DEPTH:
            return self.classes.get(key)
        self.classes[key] = None  # a cycle resolves to "not found"
        parsed = self.tree(module)
        info = None
        if parsed is not None:
            tree, is_package = parsed
            node = next(
                (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None
            )
            if node is not None:
                info = self.info_for(module, is_package, tree, node, depth)
            else:
                bound = import_bindings(tree, module, is_package).get(name)
                if bound and bound[1]:
                    info = self.class_info(bound[0], bound[1], depth + 1)
        self.classes[key] = info
        return info

    def info_for(
        self, module: str, is_package: bool, tree: ast.Module, node: ast.ClassDef, depth: int = 0
    ) -> ClassInfo:
        defined = names_defined(node)
        rasa = is_rasa_module(module)
        info = ClassInfo(
            rasa_ancestor=rasa,
            rasa_names={n for n in defined if is_private(n)} if rasa else set(),
            own_names=set() if rasa else defined,
        )
        bindings = import_bindings(tree, module, is_package)
        for base in node.bases:
            target = resolve(base, bindings, module, tree)
            if target is None:
                continue
            inherited = self.class_info(*target, depth=depth + 1)
            if inherited is None:
                if is_rasa_module(target[0]):
                    info.rasa_ancestor, info.resolved = True, False
                continue
            info.rasa_ancestor |= inherited.rasa_ancestor
            info.rasa_names |= inherited.rasa_names
            info.own_names |= inherited.own_names
            info.resolved &= inherited.resolved
        return info


def resolve(expr: ast.expr, bindings: Bindings, module: str, tree: ast.Module):
    """The (module, name) a base-class expression names, or None (e.g. `Generic[T]`)."""
    chain: list[str] = []
    while isinstance(expr, ast.Attribute):
        chain.insert(0, expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    if expr.id in bindings:
        source, attribute = bindings[expr.id]
        path = [source, *([attribute] if attribute else []), *chain]
        dotted = ".".join(path)
        return (dotted.rsplit(".", 1)[0], dotted.rsplit(".", 1)[1]) if "." in dotted else None
    if not chain and any(isinstance(n, ast.ClassDef) and n.name == expr.id for n in tree.body):
        return (module, expr.id)
    return None


def rasa_private_uses(
    relative: str, tree: ast.Module, root: Path, sources: RasaSources
) -> list[Violation]:
    module, is_package = module_name(relative)
    checker = _Checker(relative, module, is_package, tree, sources)
    checker.visit(tree)
    return checker.found


class _Checker(ast.NodeVisitor):
    def __init__(
        self, relative: str, module: str, is_package: bool, tree: ast.Module, sources: RasaSources
    ) -> None:
        self.relative, self.module, self.is_package = relative, module, is_package
        self.tree, self.sources = tree, sources
        self.bindings = import_bindings(tree, module, is_package)
        self.rasa_bound = {n for n, (m, _) in self.bindings.items() if is_rasa_module(m)}
        self.typed: list[set[str]] = [set()]
        #: variables holding one of our classes derived from Rasa's, per function
        self.derived: list[dict[str, ClassInfo]] = [{}]
        self.classes: list[ClassInfo | None] = []
        self.found: list[Violation] = []

    def flag(self, node: ast.AST, rule: str, detail: str) -> None:
        self.found.append(Violation(self.relative, getattr(node, "lineno", 1), rule, detail))

    def is_rasa(self, expr: ast.expr) -> bool:
        """Is this expression one of Rasa's objects (a module, class, instance of theirs)?"""
        while isinstance(expr, ast.Attribute | ast.Call | ast.Subscript):
            expr = expr.func if isinstance(expr, ast.Call) else expr.value
        return isinstance(expr, ast.Name) and (
            expr.id in self.rasa_bound or expr.id in self.typed[-1]
        )

    def names_rasa_type(self, annotation: ast.expr | None) -> bool:
        if annotation is None:
            return False
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return False
        return any(
            isinstance(n, ast.Name) and n.id in self.rasa_bound for n in ast.walk(annotation)
        )

    # --- imports
    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = absolute_module(node, self.module, self.is_package)
        if is_rasa_module(source):
            if any(is_private(part) for part in source.split(".")):
                self.flag(node, "rasa-private", f"imports from Rasa's private module {source}")
            for alias in node.names:
                if is_private(alias.name):
                    self.flag(node, "rasa-private", f"imports Rasa's private {alias.name}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if is_rasa_module(alias.name) and any(map(is_private, alias.name.split("."))):
                self.flag(node, "rasa-private", f"imports Rasa's private module {alias.name}")

    # --- scopes
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = self.sources.info_for(self.module, self.is_package, self.tree, node)
        if info.rasa_ancestor:
            for statement in node.body:
                name = getattr(statement, "name", None)
                if name is None and isinstance(statement, ast.Assign | ast.AnnAssign):
                    target = (
                        statement.targets[0]
                        if isinstance(statement, ast.Assign)
                        else statement.target
                    )
                    name = target.id if isinstance(target, ast.Name) else None
                if name and name in info.rasa_names:
                    self.flag(statement, "rasa-private", f"overrides Rasa's private {name}")
        self.classes.append(info if info.rasa_ancestor else None)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        typed = set(self.typed[-1])
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if self.names_rasa_type(arg.annotation):
                typed.add(arg.arg)
        derived = dict(self.derived[-1])
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            self.note_derived(derived, arg.arg, arg.annotation)
        self.typed.append(typed)
        self.derived.append(derived)
        for inner in ast.walk(node):  # variables of a Rasa type (before their uses are checked)
            if isinstance(inner, ast.AnnAssign) and isinstance(inner.target, ast.Name):
                if self.names_rasa_type(inner.annotation):
                    typed.add(inner.target.id)
                self.note_derived(derived, inner.target.id, inner.annotation)
            elif isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Call):
                names = [t.id for t in inner.targets if isinstance(t, ast.Name)]
                if self.is_rasa(inner.value.func):
                    typed.update(names)
                for name in names:
                    self.note_derived(derived, name, inner.value.func)
        self.generic_visit(node)
        self.typed.pop()
        self.derived.pop()

    def note_derived(self, derived: dict[str, ClassInfo], name: str, cls: ast.expr | None) -> None:
        """`name` holds an instance of one of our classes derived from a Rasa class."""
        target = resolve(cls, self.bindings, self.module, self.tree) if cls is not None else None
        if target is None or is_rasa_module(target[0]):
            return
        info = self.sources.class_info(*target)
        if info is not None and info.rasa_ancestor:
            derived[name] = info

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    # --- uses
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if is_private(node.attr) and self.reaches_rasa_private(node.value, node.attr):
            self.flag(node, "rasa-private", f"uses Rasa's private {node.attr}")
        self.generic_visit(node)

    def reaches_rasa_private(self, value: ast.expr, name: str) -> bool:
        info = self.classes[-1] if self.classes else None
        own = isinstance(value, ast.Name) and value.id in ("self", "cls")
        is_super = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        )
        if isinstance(value, ast.Name) and value.id in self.derived[-1] and not own:
            info, own = self.derived[-1][value.id], True
        if info is not None and (own or is_super):
            return name in info.rasa_names or (not info.resolved and name not in info.own_names)
        return not is_super and self.is_rasa(value)

    def visit_Assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for inner in ast.walk(target):
                if (
                    isinstance(inner, ast.Attribute)
                    and isinstance(inner.ctx, ast.Store)
                    and isinstance(inner.value, ast.Name | ast.Attribute)
                    and self.is_rasa(inner.value)
                    and not (isinstance(inner.value, ast.Name) and inner.value.id in self.typed[-1])
                ):
                    self.flag(node, "rasa-patch", f"assigns {inner.attr} onto Rasa's objects")
        self.generic_visit(node)

    visit_AugAssign = visit_Assign  # noqa: N815
    visit_AnnAssign = visit_Assign  # noqa: N815

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("getattr", "setattr", "delattr"):
            if len(node.args) >= 2 and self.is_rasa(node.args[0]):
                name = node.args[1]
                literal = name.value if isinstance(name, ast.Constant) else None
                if function.id != "getattr":
                    self.flag(node, "rasa-patch", f"{function.id} on Rasa's objects")
                elif isinstance(literal, str) and is_private(literal):
                    self.flag(node, "rasa-private", f"uses Rasa's private {literal}")
        self.generic_visit(node)
