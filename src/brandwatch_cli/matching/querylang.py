"""A small boolean query language for keywords: parse, print, evaluate and explain a query.

Pure: this module knows nothing of texts, folding or config files. It turns a query into a
tree; the caller says where each term occurs (``found``) and :func:`evaluate` decides.

Grammar (EBNF; whitespace separates tokens and is otherwise ignored)::

    query   = except ;
    except  = or { "NOT" or } ;                   (* a NOT between operands excludes *)
    or      = and { "OR" and } ;
    and     = near { "AND" near | near } ;        (* juxtaposition is AND, but not before NOT *)
    near    = unary { NEAR unary } ;              (* operands: terms or (OR-groups of terms) *)
    unary   = "NOT" unary | primary ;
    primary = word | phrase | "(" except ")" ;
    NEAR    = "NEAR/" digit { digit } ;           (* 1 to MAX_NEAR words *)
    word    = [ "@" | "#" ] letters { joiner { joiner } letters } { "+" } [ "*" ] ;
    joiner  = "-" | "'" | "’" | "." | "&" | "+" ;
    letters = ? Unicode letters, digits, "_" and combining accents ? ;
    phrase  = '"' { any character but '"' } '"' ;  (* a "*" may end its last word only *)

Precedence, tightest first: ``NOT`` before an operand (``NOT a``, ``a AND NOT b``), ``NEAR/n``,
``AND`` (explicit or implicit), ``OR``, and last ``NOT`` between two operands, which excludes
from everything before it in its group. So ``a OR b c`` is ``a OR (b AND c)``, ``NOT a b`` is
``(NOT a) AND b``, ``a NEAR/2 b OR c`` is ``(a NEAR/2 b) OR c``, and, as a brand monitor's
user means it, ``x OR y NOT z`` is ``(x OR y) AND NOT z``: ``"Café Lumière" OR cafelumiere
NOT recrutement`` leaves out job offers whichever name they use. ``x OR y AND NOT z`` keeps
the narrow reading. ``NOT a NEAR/2 b`` is an error (write ``NOT (a NEAR/2 b)``).

Operators are recognised only in upper case: in lower or mixed case ``and``, ``or``, ``not``
and ``near`` are ordinary words, because French and English mentions are full of them. To
look for the word NOT itself, quote it: ``"NOT"``. There are no escapes: a backslash is an
ordinary character, and a phrase cannot contain a double quote (brand names do not need one).
``*`` is a prefix wildcard and nothing else: it may end a word (``recrut*``) or the last word of
a phrase (``"café lum*"``), and is an error anywhere else. A query must look for something:
one that a text mentioning none of its terms would satisfy (``NOT a``, ``a OR NOT b``) is
rejected, because a brand monitor would then report every text it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

#: Largest NEAR distance: further apart than this, two words are merely in the same text.
MAX_NEAR = 1000
#: Deepest nesting of parentheses and NOTs; keeps hostile queries from exhausting the stack.
MAX_DEPTH = 50

# A letter, digit or underscore, or a combining accent (a query typed in decomposed form).
_L = "[\\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_JOINERS = "-'’.&+"
_WORD_RE = re.compile(f"[@#]?{_L}+(?:[{_JOINERS}]+{_L}+)*\\+*")
_DISTANCE_RE = re.compile("[0-9]{1,4}")
_OPERATORS = ("AND", "OR", "NOT")
# Every character falls in one group; a bare chunk runs up to a space, parenthesis or quote.
_TOKEN_RE = re.compile(r'(?P<space>\s+)|(?P<paren>[()])|(?P<phrase>"[^"]*"?)|[^\s()"]+')


@dataclass(frozen=True)
class Term:
    """A word or a phrase, as written (not folded); ``prefix`` for a trailing ``*``."""

    words: tuple[str, ...]
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int


Node = Term | Not | And | Or | Near


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``column`` (1-based) points at the problem."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple[type[QuerySyntaxError], tuple[int, str]]:
        return type(self), (self.column, self.message)


@dataclass(frozen=True)
class _Token:
    kind: str  # "term", "(", ")", "AND", "OR", "NOT" or "NEAR"
    column: int
    text: str
    term: Term | None = None
    distance: int = 0


def _tokens(text: str) -> Iterator[_Token]:
    for match in _TOKEN_RE.finditer(text):
        chunk, column = match.group(), match.start() + 1
        if match.group("paren"):
            yield _Token(chunk, column, chunk)
        elif match.group("phrase"):
            if len(chunk) == 1 or chunk[-1] != '"':
                raise QuerySyntaxError(column, "this quote is never closed")
            yield _Token("term", column, chunk, _phrase(chunk[1:-1], column + 1))
        elif not match.group("space"):
            yield _bare(chunk, column)


def _phrase(body: str, column: int) -> Term:
    """The phrase between quotes; ``column`` is that of its first character."""
    last = len(body.rstrip()) - 1
    if last < 0:
        raise QuerySyntaxError(column - 1, "empty phrase: put words between the quotes")
    for k, char in enumerate(body):
        if char == "*" and (k == 0 or body[k - 1].isspace()):
            raise QuerySyntaxError(column + k, "a * must follow a word, as in recrut*")
        if char == "*" and k != last:
            raise QuerySyntaxError(column + k, "a * can only end the last word of a phrase")
    prefix = body[last] == "*"
    return Term(tuple((body[:last] if prefix else body).split()), prefix=prefix, quoted=True)


def _bare(chunk: str, column: int) -> _Token:
    """An operator or a word: everything up to whitespace, a parenthesis or a quote."""
    if chunk in _OPERATORS:
        return _Token(chunk, column, chunk)
    if chunk == "NEAR" or chunk.startswith("NEAR/"):
        digits = chunk[5:]
        if not _DISTANCE_RE.fullmatch(digits) or not 1 <= int(digits) <= MAX_NEAR:
            message = f"NEAR needs a distance from 1 to {MAX_NEAR} words, as in NEAR/3"
            raise QuerySyntaxError(column + 5 if digits else column, message)
        return _Token("NEAR", column, f"NEAR/{int(digits)}", distance=int(digits))
    match = _WORD_RE.match(chunk)
    if match and match.end() == len(chunk):
        return _Token("term", column, chunk, Term((chunk,)))
    if match and match.end() == len(chunk) - 1 and chunk[-1] == "*":
        return _Token("term", column, chunk, Term((chunk[:-1],), prefix=True))
    pos = match.end() if match else int(len(chunk) > 1 and chunk[0] in "@#")
    bad = chunk[pos]
    if bad == "*":
        if pos == 0 or chunk[pos - 1] in "@#":
            raise QuerySyntaxError(column + pos, "a * must follow a word, as in recrut*")
        raise QuerySyntaxError(column + pos, "a * can only end a word")
    if chunk.lower().startswith("near/"):
        raise QuerySyntaxError(column, "operators are written in capitals: NEAR/n")
    if bad in _JOINERS:
        message = f"{bad!r} can only join letters or digits in a word; quote anything else"
    else:
        message = f"{bad!r} cannot be part of a word; put the text in quotes"
    raise QuerySyntaxError(column + pos, message)


class _Parser:
    """Recursive descent, one method per precedence level."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.pos = 0
        self.depth = 0
        self.not_columns: dict[int, int] = {}  # id(Not node) -> column, to point at it later

    def at(self, kind: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos].kind == kind

    def column(self) -> int:
        """Column of the next token (of the last one at the end)."""
        return self.tokens[min(self.pos, len(self.tokens) - 1)].column

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError(1, "the query is empty")
        node = self.except_()
        if self.pos < len(self.tokens):  # except_() stops only at the end or at a ")"
            raise QuerySyntaxError(self.column(), "this ) has no matching (")
        if _matches_nothing(node):
            culprit = _negation(node)
            raise QuerySyntaxError(
                self.not_columns[id(culprit)],
                f"NOT only excludes: any text with {describe(culprit)} would match; "
                "add a word or phrase to look for",
            )
        return node

    def except_(self) -> Node:
        node = self.or_()
        while self.at("NOT"):
            column = self.tokens[self.pos].column
            self.pos += 1
            excluded = Not(self.or_())
            self.not_columns[id(excluded)] = column
            node = _flat(And, [node, excluded])
        return node

    def or_(self) -> Node:
        operands = [self.and_()]
        while self.at("OR"):
            self.pos += 1
            operands.append(self.and_())
        return _flat(Or, operands)

    def and_(self) -> Node:
        operands = [self.near()]
        while self.pos < len(self.tokens) and self.tokens[self.pos].kind not in ("OR", ")", "NOT"):
            if self.at("AND"):
                self.pos += 1  # "AND NOT x" negates x alone (unary); a bare NOT ends the level
            operands.append(self.near())
        return _flat(And, operands)

    def near(self) -> Node:
        left = self.unary()
        while self.at("NEAR"):
            operator = self.tokens[self.pos]
            self.pos += 1
            _check_near(operator, left)
            right = _check_near(operator, self.unary())
            left = Near(left, right, operator.distance)
        return left

    def unary(self) -> Node:
        if self.depth >= MAX_DEPTH:
            raise QuerySyntaxError(self.column(), "the query is nested too deeply")
        self.depth += 1
        try:
            if not self.at("NOT"):
                return self.primary()
            column = self.tokens[self.pos].column
            self.pos += 1
            node = Not(self.unary())
            self.not_columns[id(node)] = column
            return node
        finally:
            self.depth -= 1

    def primary(self) -> Node:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        if token and token.term:
            self.pos += 1
            return token.term
        if token and token.kind == "(":
            self.pos += 1
            node = self.except_()
            if not self.at(")"):
                raise QuerySyntaxError(token.column, "this ( is never closed")
            self.pos += 1
            return node
        raise self.missing(token)

    def missing(self, token: _Token | None) -> QuerySyntaxError:
        """The error for an operand expected where ``token`` (None: the end) stands."""
        before = self.tokens[self.pos - 1] if self.pos else None
        if before and before.kind == "(" and (token is None or token.kind == ")"):
            message = "nothing between these parentheses" if token else "this ( is never closed"
            return QuerySyntaxError(before.column, message)
        if token is None or token.kind == ")":
            if before is None:
                assert token is not None  # parse() turned away the empty query
                return QuerySyntaxError(token.column, "this ) has no matching (")
            message = f"{before.text} needs a word, phrase or group after it"
            return QuerySyntaxError(before.column, message)
        if before is None or before.kind == "(":
            message = f"{token.text} needs a word, phrase or group before it"
            return QuerySyntaxError(token.column, message)
        message = f"{token.text} cannot follow {before.text}: an operand is missing"
        return QuerySyntaxError(token.column, message)


def _flat(kind: type[And] | type[Or], operands: list[Node]) -> Node:
    """``operands`` joined by ``kind``, nested nodes of the same kind merged in."""
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for node in operands:
        flat.extend(node.operands if isinstance(node, kind) else (node,))
    return kind(tuple(flat))


def _check_near(operator: _Token, node: Node) -> Node:
    if isinstance(node, Not):
        message = f"NOT binds tighter than {operator.text}: write NOT (a {operator.text} b)"
        raise QuerySyntaxError(operator.column, message)
    if not _near_operand(node):
        message = f"{operator.text} can only join words, phrases, or OR-groups of them"
        raise QuerySyntaxError(operator.column, message + ' as in (a OR "b c") NEAR/3 d')
    return node


def _near_operand(node: Node) -> bool:
    if isinstance(node, Or):
        return all(isinstance(op, Term) for op in node.operands)
    return isinstance(node, Term)


def _matches_nothing(node: Node) -> bool:
    """Whether ``node`` holds for a text in which none of its terms occurs."""
    return evaluate(node, lambda _term: ())


def _negation(node: Node) -> Not:
    """The first NOT that makes ``node`` (which matches nothing) hold for an empty text."""
    while not isinstance(node, Not):
        assert isinstance(node, And | Or)
        node = next(op for op in node.operands if _matches_nothing(op))
    return node


def parse_query(text: str) -> Node:
    """The tree of ``text``; raises QuerySyntaxError pointing at the first problem."""
    return _Parser(text).parse()


def format_query(node: Node) -> str:
    """Canonical text of ``node``: explicit ``AND``, parentheses where needed or where an AND
    meets an OR (so nobody has to remember which binds tighter)."""
    if isinstance(node, Term):
        text = " ".join(node.words) + ("*" if node.prefix else "")
        return f'"{text}"' if node.quoted else text
    if isinstance(node, Not):
        return "NOT " + _grouped(node.operand, (Term, Not))
    if isinstance(node, Near):
        left, right = _grouped(node.left, (Term,)), _grouped(node.right, (Term,))
        return f"{left} NEAR/{node.distance} {right}"
    if isinstance(node, And):
        return " AND ".join(_grouped(op, (Term, Not, Near)) for op in node.operands)
    return " OR ".join(_grouped(op, (Term, Not, Near)) for op in node.operands)


def _grouped(node: Node, bare: tuple[type, ...]) -> str:
    text = format_query(node)
    return text if isinstance(node, bare) else f"({text})"


def terms(node: Node) -> list[Term]:
    """Every term of ``node``, positive and negated, in order of appearance, once each."""
    return list(dict.fromkeys(_walk(node)))


def _walk(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, Near):
        yield from _walk(node.left)
        yield from _walk(node.right)
    else:
        for op in node.operands:
            yield from _walk(op)


def evaluate(node: Node, found: Callable[[Term], Sequence[tuple[int, int]]]) -> bool:
    """Whether ``node`` holds, given each term's occurrences as inclusive word-index spans.

    ``found`` is called at most once per distinct term. ``a NEAR/n b`` holds when some
    occurrence of ``a`` and some of ``b`` have at most ``n`` words strictly between them
    (overlapping or adjacent occurrences are 0 apart), in either order.
    """
    cache: dict[Term, Sequence[tuple[int, int]]] = {}

    def spans(node: Node) -> Sequence[tuple[int, int]]:
        if isinstance(node, Term):
            if node not in cache:
                cache[node] = found(node)
            return cache[node]
        if not _near_operand(node):
            raise ValueError(f"not a NEAR operand: {format_query(node)}")
        assert isinstance(node, Or)
        return [span for op in node.operands for span in spans(op)]

    def holds(node: Node) -> bool:
        if isinstance(node, Term):
            return bool(spans(node))
        if isinstance(node, Not):
            return not holds(node.operand)
        if isinstance(node, And):
            return all(holds(op) for op in node.operands)
        if isinstance(node, Or):
            return any(holds(op) for op in node.operands)
        rights = spans(node.right)
        return any(
            max(0, r_start - l_end - 1, l_start - r_end - 1) <= node.distance
            for l_start, l_end in spans(node.left)
            for r_start, r_end in rights
        )

    return holds(node)


def describe(node: Node) -> str:
    """A short explanation of ``node`` in words, such as ``any of a, b but none of c``.

    Compound parts are parenthesised, so precedence surprises show up at a glance.
    """
    if isinstance(node, Term):
        return format_query(node)
    if isinstance(node, Or):
        return "any of " + ", ".join(_part(op) for op in node.operands)
    if isinstance(node, Near):
        unit = "word" if node.distance == 1 else "words"
        return f"{_part(node.left)} within {node.distance} {unit} of {_part(node.right)}"
    if isinstance(node, Not):
        return "none of " + ", ".join(_excluded(node))
    wanted = [op for op in node.operands if not isinstance(op, Not)]
    unwanted = [text for op in node.operands if isinstance(op, Not) for text in _excluded(op)]
    if len(wanted) > 1:
        text = "all of " + ", ".join(_part(op) for op in wanted)
    else:
        text = describe(wanted[0]) if wanted else ""
    none = "none of " + ", ".join(unwanted)
    return (f"{text} but {none}" if text else none) if unwanted else text


def _part(node: Node) -> str:
    return describe(node) if isinstance(node, Term) else f"({describe(node)})"


def _excluded(node: Not) -> list[str]:
    inner = node.operand
    return [_part(op) for op in inner.operands] if isinstance(inner, Or) else [_part(inner)]
