"""Checks of a source's options beyond their type, in one wording for every source type.

The config loader has already checked each option's type against the source's ``OPTIONS``;
what is left is the range, which only the source type knows. Checks run when a source fetches,
before any request, so a bad value fails that source alone and names it.
"""

from __future__ import annotations

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import SourceConfig


def int_option(
    config: SourceConfig,
    key: str,
    default: int,
    low: int,
    high: int | None = None,
    *,
    why: str = "",
) -> int:
    """``config.options[key]`` (``default`` when unset), from ``low`` to ``high`` if given.

    SourceError otherwise: ``'max_pages' of source 'hn' must be at least 1, not 0``, with
    `` (why)`` after it when the bound deserves an explanation.
    """
    value = config.options.get(key, default)
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"from {low} to {high}"
        reason = f" ({why})" if why else ""
        raise SourceError(
            f"'{key}' of source {config.name!r} must be {bound}, not {value!r}{reason}"
        )
    return int(value)
