"""Checks of a source's options beyond their type, in one wording for every source type.

The config loader has already checked each option's type against the source's ``OPTIONS``;
what is left is the value, which only the source type knows. A type's ``check_options`` runs
these checks as the config loads, so that ``brandwatch check`` and every command report a bad
value as a ConfigError on its line before a scan starts (and before a failure could put the
source in backoff); ``fetch`` calls the same functions again, for configs built in code. What
depends on the remote answer or on the environment (credentials) is not checked here: it stays
a SourceError of the fetch, since the environment of ``check`` need not be the scan's.
"""

from __future__ import annotations

from brandwatch_cli.errors import SourceError
from brandwatch_cli.models import SourceConfig


class OptionError(SourceError):
    """An option value that is wrong whatever the network says.

    ``key`` names the option, so that the config loader points at its line; None when the
    problem is an option that is missing.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


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

    OptionError otherwise: ``'max_pages' of source 'hn' must be at least 1, not 0``, with
    `` (why)`` after it when the bound deserves an explanation.
    """
    value = config.options.get(key, default)
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"from {low} to {high}"
        reason = f" ({why})" if why else ""
        raise OptionError(
            f"'{key}' of source {config.name!r} must be {bound}, not {value!r}{reason}", key
        )
    return int(value)
