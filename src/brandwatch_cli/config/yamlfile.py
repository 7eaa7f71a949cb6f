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
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


class _LineLoader(_SafeLoader):  # type: ignore[misc]
    """SafeLoader (no arbitrary objects) that records lines and refuses duplicate keys."""

    def value_of(self, node: yaml.Node) -> Any:
        """A plain string as it is (most of a config: names, URLs, terms), without the
        generic constructor's bookkeeping, which made up half of loading 5,000 sources."""
        if node.tag == _STR and type(node) is yaml.ScalarNode:
            return node.value
        return self.construct_object(node, deep=True)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
        self.flatten_mapping(node)
        result = YamlMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        value_of = self.value_of
        for key_node, value_node in node.value:
            key = value_of(key_node)
            if not isinstance(key, str):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in result:
                raise ConfigError(f"line {line}: duplicate key '{key}'")
            result[key] = value_of(value_node)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YamlList:
        result = YamlList(map(self.value_of, node.value))
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


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
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{path}{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML error: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}:{str(exc).removeprefix('line ')}") from None
