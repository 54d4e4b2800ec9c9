"""A learner's own way of writing the same code: seeded rewrites of Python functions.

Two learners who solve one assignment independently write different code for it: other
local names, other constants, guards the other way round, intermediate variables, logging,
loops where the other wrote a comprehension. `restyle` makes such a version of a function or
class from the reference solution's; `rename_locals` and `reorder_functions` are what a
learner who copies does to hide it. Every rewrite keeps the code valid Python (it is data
here: nothing runs it).
"""

from __future__ import annotations

import ast
import copy
import random
from collections.abc import Callable

WORDS = ("item", "value", "row", "entry", "found", "result", "data", "obj", "thing", "current")
LENGTHS = (32, 40, 50, 64, 80, 100, 120, 128, 150, 200, 255, 256, 300, 500, 512, 1000)
MESSAGES = ("start", "called", "handling", "processing", "checking", "enter", "begin")


class Restyler(ast.NodeTransformer):
    """Rewrites statements and expressions, each with probability `rate`, by `rng`."""

    def __init__(self, rng: random.Random, rate: float) -> None:
        self.rng, self.rate = rng, rate
        self.temp = f"{rng.choice(WORDS)}{rng.choice(('', '_', '2', 's'))}"

    def _roll(self) -> bool:
        return self.rng.random() < self.rate

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.body = self._swap_neighbours(self._statements(node.body))
        if self._roll():  # this learner does not annotate
            node.returns = None
            for argument in node.args.args + node.args.kwonlyargs:
                if argument.annotation is not None and not _is_dependency(argument.annotation):
                    argument.annotation = None
        if self._roll():
            node.body.insert(_after_docstring(node.body), self._log_line(node))
        if self._roll() and ast.get_docstring(node) is not None:
            node.body = node.body[1:] or [ast.Pass()]
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        fields = [i for i, s in enumerate(node.body) if isinstance(s, ast.AnnAssign)]
        if len(fields) > 2 and self._roll():  # columns listed in another order
            moved = [node.body[i] for i in fields[1:]]
            self.rng.shuffle(moved)
            for index, statement in zip(fields[1:], moved, strict=True):
                node.body[index] = statement
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        if node.orelse and self._roll():  # the branches the other way round
            node.test = _negate(node.test)
            node.body, node.orelse = node.orelse, node.body
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        flipped = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
                   ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}  # fmt: skip
        if len(node.ops) == 1 and type(node.ops[0]) in flipped and self._roll():
            op = flipped[type(node.ops[0])]()
            return ast.Compare(left=node.comparators[0], ops=[op], comparators=[node.left])
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        if not self._roll():
            return node
        parts: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                parts.append(ast.Call(ast.Name("str", ast.Load()), [value.value], []))
            else:
                parts.append(value)
        joined = parts[0]
        for part in parts[1:]:
            joined = ast.BinOp(joined, ast.Add(), part)
        return joined

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Name) and self._roll():
            return ast.Compare(node.operand, [ast.Is()], [ast.Constant(None)])
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Name) and self._roll():
            kind = self.rng.choice(("Any", "object", "str", "int", "dict"))
            return ast.AnnAssign(target, ast.Name(kind, ast.Load()), node.value, simple=1)
        return node

    def _swap_neighbours(self, body: list[ast.stmt]) -> list[ast.stmt]:
        for index in range(_after_docstring(body), len(body) - 1):
            first, second = body[index], body[index + 1]
            if _independent(first, second) and self._roll():
                body[index], body[index + 1] = second, first
        return body

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _called(node) == "HTTPException" and len(node.args) == 2 and self._roll():
            names = ("status_code", "detail")
            node.keywords[:0] = [ast.keyword(n, a) for n, a in zip(names, node.args, strict=True)]
            node.args = []
        if len(node.keywords) > 1 and self._roll():
            self.rng.shuffle(node.keywords)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        code = node.attr.split("_")
        if code[0] == "HTTP" and len(code) > 1 and code[1].isdigit() and self._roll():
            return ast.Constant(int(code[1]))  # 404 where the solution wrote the name
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        if self._roll():
            node.values.reverse()
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int and node.value >= 16 and self._roll():
            return ast.Constant(self.rng.choice(LENGTHS))
        return node

    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for statement in body:
            out.extend(self._statement(statement))
        return out

    def _statement(self, node: ast.stmt) -> list[ast.stmt]:
        rewrites: list[Callable[[ast.stmt], list[ast.stmt] | None]] = [
            self._return_through_name,
            self._comprehension_as_loop,
            self._argument_through_name,
            self._chain_through_name,
        ]
        self.rng.shuffle(rewrites)
        for rewrite in rewrites:
            if self._roll() and (done := rewrite(node)) is not None:
                return done
        return [node]

    def _return_through_name(self, node: ast.stmt) -> list[ast.stmt] | None:
        if not isinstance(node, ast.Return) or not isinstance(node.value, ast.Call | ast.BinOp):
            return None
        name = ast.Name(self.temp, ast.Store())
        return [ast.Assign([name], node.value), ast.Return(ast.Name(self.temp, ast.Load()))]

    def _comprehension_as_loop(self, node: ast.stmt) -> list[ast.stmt] | None:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.ListComp)):
            return None
        target, comp = node.targets[0], node.value
        if len(comp.generators) != 1 or comp.generators[0].ifs:
            return None
        loop = comp.generators[0]
        append = ast.Expr(ast.Call(ast.Attribute(copy.deepcopy(target), "append", ast.Load()),
                                   [comp.elt], []))  # fmt: skip
        empty = ast.Assign([target], ast.List([], ast.Load()))
        return [empty, ast.For(loop.target, loop.iter, [append], [])]

    def _argument_through_name(self, node: ast.stmt) -> list[ast.stmt] | None:
        call = getattr(node, "value", None)
        if not isinstance(call, ast.Call) or not call.args:
            return None
        if not isinstance(call.args[0], ast.Call | ast.Attribute | ast.BinOp):
            return None
        name = f"{self.temp}_arg"
        first = ast.Assign([ast.Name(name, ast.Store())], call.args[0])
        call.args[0] = ast.Name(name, ast.Load())
        return [first, node]

    def _chain_through_name(self, node: ast.stmt) -> list[ast.stmt] | None:
        call = getattr(node, "value", None)
        inner = call.func.value if isinstance(call, ast.Call) and isinstance(
            call.func, ast.Attribute) else None  # fmt: skip
        if not isinstance(inner, ast.Call):
            return None
        name = f"{self.temp}_q"
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        call.func.value = ast.Name(name, ast.Load())
        return [ast.Assign([ast.Name(name, ast.Store())], inner), node]

    def _log_line(self, node: ast.FunctionDef) -> ast.stmt:
        words = f"{self.rng.choice(MESSAGES)} {node.name}"
        args = [ast.Constant(words + (" %s" if node.args.args else ""))]
        if node.args.args:
            args.append(ast.Name(node.args.args[0].arg, ast.Load()))
        level = self.rng.choice(("debug", "info"))
        return ast.Expr(ast.Call(ast.Attribute(ast.Name("log", ast.Load()), level, ast.Load()),
                                 args, []))  # fmt: skip


def _called(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


def _is_dependency(annotation: ast.expr) -> bool:
    """FastAPI reads `Annotated[...]` and dependency aliases: a learner keeps those."""
    return not (isinstance(annotation, ast.Name) and annotation.id in {"str", "int", "bool"})


def _independent(first: ast.stmt, second: ast.stmt) -> bool:
    """Two assignments or expressions where neither uses what the other assigns."""
    simple = (ast.Assign, ast.AnnAssign, ast.Expr)
    if not (isinstance(first, simple) and isinstance(second, simple)):
        return False
    stored = {n.id for s in (first, second) for n in ast.walk(s)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}  # fmt: skip
    loaded = {n.id for s in (first, second) for n in ast.walk(s)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}  # fmt: skip
    return not stored & loaded


def _after_docstring(body: list[ast.stmt]) -> int:
    first = body[0] if body else None
    is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    return 1 if is_doc and isinstance(first.value.value, str) else 0  # type: ignore[union-attr]


def _negate(test: ast.expr) -> ast.expr:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(ast.Not(), test)


def restyle(node: ast.stmt, rng: random.Random, rate: float) -> ast.stmt:
    """A learner's own version of a function or class (a rewritten copy)."""
    fresh = copy.deepcopy(node)
    result = Restyler(rng, rate).visit(fresh)
    return ast.fix_missing_locations(result)  # type: ignore[no-any-return]


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self.names.get(node.arg, node.arg)
        return node


def rename_locals(node: ast.stmt, rng: random.Random) -> ast.stmt:
    """`node` with every argument and local variable of its functions renamed."""
    fresh = copy.deepcopy(node)
    functions = [n for n in ast.walk(fresh) if isinstance(n, ast.FunctionDef)]
    local: set[str] = set()
    for function in functions:
        local |= {a.arg for a in function.args.args + function.args.kwonlyargs} - {"self", "cls"}
        local |= {n.id for n in ast.walk(function)
                  if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}  # fmt: skip
    names = {name: f"{rng.choice(WORDS)}_{index}" for index, name in enumerate(sorted(local))}
    for function in functions:
        _Renamer(names).visit(function)
    return ast.fix_missing_locations(fresh)


def reorder_functions(source: str, rng: random.Random) -> str:
    """`source` with its top-level functions and classes in another order (text moved as is)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    blocks = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    if len(blocks) < 2:
        return source
    spans = [(_first_line(n) - 1, n.end_lineno or n.lineno) for n in blocks]
    texts = ["".join(lines[a:b]) for a, b in spans]
    order = list(range(len(texts)))
    while order == sorted(order):
        rng.shuffle(order)
    out, cursor = [], 0
    for (start, end), index in zip(spans, order, strict=True):
        out.append("".join(lines[cursor:start]))
        out.append(texts[index])
        cursor = end
    out.append("".join(lines[cursor:]))
    return "".join(out)


def _first_line(node: ast.FunctionDef | ast.ClassDef) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def own_helper(rng: random.Random, index: int) -> str:
    """A small helper function of the learner's own invention (random structure)."""
    name = f"_{rng.choice(WORDS)}_{rng.choice(MESSAGES)}_{index}"
    arguments = rng.sample(["value", "limit", "items", "flag", "text", "when"], rng.randint(1, 3))
    body = [_helper_line(rng, arguments) for _ in range(rng.randint(3, 7))]
    body.append(rng.choice(["return None", f"return {arguments[0]}", "return len(parts)",
                            f"return [{arguments[-1]}]", "return {'ok': True}"]))  # fmt: skip
    lines = [f"def {name}({', '.join(arguments)}):", "parts = []", *body]
    return "\n\n" + "\n    ".join(lines) + "\n"


def _helper_line(rng: random.Random, arguments: list[str]) -> str:
    a, b = rng.choice(arguments), rng.choice(arguments)
    n = rng.randint(0, 99)
    return rng.choice(
        [
            f"if {a} is None:\n        {a} = {n}",
            f"for part in str({a}).split():\n        parts.append(part.strip())",
            f"while len(parts) > {n}:\n        parts.pop()",
            f"try:\n        {a} = int({b})\n    except (TypeError, ValueError):\n        {a} = {n}",
            f"parts.extend(sorted(parts)[:{n}])",
            f"{a} = {{'{a}': {b}, 'n': {n}}}",
            f"if not {a} and {b}:\n        raise ValueError('{a} needs {b}')",
            f"parts = [p for p in parts if p != {a}]",
            f"{b} = max({n}, len(parts)) if parts else {a}",
            f"assert isinstance(parts, list), {n}",
        ]
    )
