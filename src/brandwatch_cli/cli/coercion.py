"""Option values read without importing pydantic, when Typer would only have used it to turn
a string into a string, a path, a number or a choice.

Since 0.29 Typer coerces every option's value through a pydantic ``TypeAdapter``, built on the
first value it sees, even ``None`` for an option not given: importing pydantic is about
0.15 s of CPU, a third of what ``check`` may take at 5,000 sources (issue 12). Here the plain
cases are read as Typer's own adapters read them (its path and choice checks are called as they
are); anything else, and any value the plain reading refuses, goes to Typer's adapter, so
errors and unusual options behave exactly as before. With a Typer that has no such adapters
(before 0.29) nothing is changed.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from brandwatch_cli.errors import ConfigError

#: Options typed ``str`` that name a file (or a URL): an empty value is refused as a path's is.
TEXT_PATHS = frozenset({"db", "to"})

#: What Typer's int adapter surely reads as ``int(value)``; anything else is pydantic's call.
_PLAIN_INT_RE = re.compile(r"[0-9]{1,18}")


class _Unread(Exception):
    """The plain reading does not apply: Typer's own adapter decides."""


def install() -> None:
    """Read plain option values without pydantic, where this Typer would import it for them."""
    try:
        from typer import _param_types, core
    except ImportError:
        return
    build = getattr(core, "build_runtime_param", None)
    if build is None or getattr(build, "plain_first", False):
        return
    choice = getattr(_param_types, "coerce_cli_choice", None)
    path = getattr(_param_types, "coerce_cli_path", None)
    if choice is None or path is None:
        return

    def plain_first(descriptor: Any) -> Any:
        if descriptor.file_annotation is not None or descriptor.parameter_info.parser is not None:
            return build(descriptor)
        return _PlainFirst(descriptor, build, choice, path)

    plain_first.plain_first = True  # type: ignore[attr-defined]
    setattr(core, "build_runtime_param", plain_first)  # noqa: B010 - not re-exported


class _PlainFirst:
    """A Typer runtime parameter that builds Typer's own (pydantic) one only when needed."""

    def __init__(self, descriptor: Any, build: Any, choice: Any, path: Any) -> None:
        self.descriptor = descriptor
        self.build = build
        self.choice = choice
        self.path = path
        self.built: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value == "" and (self.descriptor.annotation is Path or param.name in TEXT_PATHS):
            name = param.opts[0] if param.param_type_name == "option" else param.name.upper()
            raise ConfigError(f"{name}: an empty file name")  # else read as ".", the folder
        if self.built is None:
            multiple = param.multiple or param.nargs == -1
            if value is None:  # as Typer's RuntimeParam.coerce
                return () if multiple else None
            try:
                annotation = self.descriptor.annotation
                if multiple and get_origin(annotation) is list:
                    if not isinstance(value, list | tuple):
                        raise _Unread
                    (item,) = get_args(annotation)
                    return [self._plain(item, one, param, ctx) for one in value]
                if not multiple and param.nargs == 1:
                    return self._plain(annotation, value, param, ctx)
            except Exception:  # noqa: S110 - Typer's adapter decides, and says why
                pass
            self.built = self.build(self.descriptor)
        return self.built.coerce(value, param=param, ctx=ctx)

    def _plain(self, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
        """``value`` (given, or an option's default) as Typer's adapter reads it, or _Unread
        (or any error): then the adapter decides."""
        info = self.descriptor.parameter_info
        if annotation in (int, float) and not info.clamp:
            if type(value) is str and annotation is int and _PLAIN_INT_RE.fullmatch(value):
                value = int(value)
            if type(value) is not annotation:
                raise _Unread
            low, high = info.min, info.max
            if (low is None or value >= low) and (high is None or value <= high):
                return value
            raise _Unread  # out of range: Typer's message
        if annotation is str and type(value) is str:
            return value
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            if isinstance(value, annotation):
                return value
            if type(value) is str:
                return self.choice(
                    value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
                )
        given = isinstance(value, Path) or (type(value) is str and value != "")
        if annotation is Path and info.path_type is None and given:
            return self.path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        raise _Unread
