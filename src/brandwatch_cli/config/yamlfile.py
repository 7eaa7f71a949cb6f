"""Loading YAML while remembering where each value came from, so errors can name a line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from brandwatch_cli.errors import ConfigError


class YamlMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class YamlList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: Keys that make ``flatten_mapping`` rewrite a mapping (``<<`` merges, ``=`` values).
_FLATTENED = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


class _LineLoader(_SafeLoader):  # type: ignore[misc]
    """SafeLoader (no arbitrary objects) that records lines and refuses duplicate keys.

    A document without anchors (no ``&``) has no aliases, so no node is reached twice: its
    mappings and sequences are built directly, without the generic constructor's
    bookkeeping of objects already built and recursion, which made up half of loading 5,000
    sources; with anchors, everything goes through that bookkeeping, as PyYAML does.
    """

    #: Set per document by ``load_yaml``: no anchors, so build nodes directly.
    direct = False
    #: Whether a ``<<`` or ``=`` key was read, which ``flatten_mapping`` must then rewrite.
    flatten = False

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's implicit typing of a plain scalar (``true``, ``12``, ``~``...), with the
        resolvers for each first character looked up once, not joined for each scalar."""
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        if implicit[0]:  # plain: typed by its look; quoted: a string
            resolvers = _first_resolvers(type(self))
            for tag, regexp in resolvers.get(value[:1]) or resolvers[None]:
                if regexp.match(value):
                    if tag in _FLATTENED:
                        self.flatten = True
                    return tag
        return _STR

    def value_of(self, node: yaml.Node) -> Any:
        """A plain string as it is (most of a config: names, URLs, terms), without the
        generic constructor's bookkeeping; mappings and sequences too when ``direct``."""
        tag = node.tag
        if tag == _STR and type(node) is yaml.ScalarNode:
            return node.value
        if self.direct:
            if tag == _MAP and isinstance(node, yaml.MappingNode):
                return self.construct_mapping(node)
            if tag == _SEQ and isinstance(node, yaml.SequenceNode):
                return self.construct_sequence(node)
        return self.construct_object(node, deep=True)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
        if self.flatten or not self.direct:
            self.flatten_mapping(node)
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = key_lines = {}
        value_of = self.value_of
        for key_node, value_node in node.value:
            key = value_of(key_node)
            if not isinstance(key, str):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in result:
                raise ConfigError(f"line {line}: duplicate key '{key}'")
            result[key] = value_of(value_node)
            key_lines[key] = line
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YamlList:
        result = YamlList(map(self.value_of, node.value))
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_Resolvers = dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]]
_RESOLVERS: dict[type[Any], _Resolvers] = {}


def _first_resolvers(loader: type[Any]) -> _Resolvers:
    """The loader's implicit resolvers by first character, the wildcard ones appended (alone
    under None, for any other first character)."""
    found = _RESOLVERS.get(loader)
    if found is None:
        table = loader.yaml_implicit_resolvers
        wildcard = tuple(table.get(None, ()))
        found = _RESOLVERS[loader] = {
            first: (*resolvers, *wildcard) for first, resolvers in table.items() if first
        }
        found[""] = (*table.get("", ()), *wildcard)
        found[None] = wildcard
    return found


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool | str:
    """Only ``true``/``false`` are booleans (YAML 1.2): ``country: no`` means Norway."""
    value = str(loader.construct_scalar(node))
    return value.lower() == "true" if value.lower() in ("true", "false") else value


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    """``0123`` stays the string it looks like (an id), not YAML 1.1's octal 83."""
    value = str(loader.construct_scalar(node))
    if _LEADING_ZERO_RE.fullmatch(value):
        return value
    return int(loader.construct_yaml_int(node))


_LEADING_ZERO_RE = re.compile(r"[-+]?0[0-9_]+")
_LineLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _int)
_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def _load(text: str) -> Any:
    """The document in ``text`` (``yaml.load`` with ``_LineLoader``, a SafeLoader)."""
    loader = _LineLoader(text)
    try:
        loader.direct = "&" not in text  # no anchor, so no alias: no node is reached twice
        loader.flatten = "!" in text  # an explicit tag may be a merge key's
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """Parse ``path``; every failure is a ConfigError naming the file and, where known, the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found (create one with `brandwatch init` or pass --config)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{path}{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML error: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}:{str(exc).removeprefix('line ')}") from None
