"""The ``brandwatch`` command line."""

from brandwatch_cli.cli.app import main

__all__ = ["main"]
