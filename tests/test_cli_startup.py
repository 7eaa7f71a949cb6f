"""The entry point builds only the command it runs (``app._app_for``); help, groups, typos and
commands named otherwise than their function still behave as the whole app does."""

from __future__ import annotations

from collections.abc import Callable

from conftest import CliResult


def test_help_lists_every_command_and_group(cli: Callable[..., CliResult]) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("init", "sources", "check", "scan", "open", "rematch", "db", "rules"):
        assert f"\n  {name} " in result.stdout, name


def test_help_before_a_command_is_the_whole_apps(cli: Callable[..., CliResult]) -> None:
    result = cli("--help", "sources")
    assert result.exit_code == 0
    assert "\n  check " in result.stdout and "\n  sources " in result.stdout


def test_a_typo_is_answered_with_the_nearest_command(cli: Callable[..., CliResult]) -> None:
    result = cli("sourcez")
    assert result.exit_code == 2
    assert "No such command 'sourcez'. Did you mean 'sources'?" in result.stderr


def test_commands_and_groups_run_alone_with_the_root_options(
    cli: Callable[..., CliResult],
) -> None:
    assert "brandwatch open [OPTIONS] {mention_id}" in cli("open", "--help").stdout
    assert "brandwatch rules test [OPTIONS]" in cli("rules", "test", "--help").stdout
    assert "brandwatch sources [OPTIONS]" in cli("--debug", "sources", "--help").stdout
    assert cli("--version", "sources").stdout.startswith("brandwatch ")
    unknown = cli("sources", "--nope")
    assert unknown.exit_code == 2
    assert "No such option: --nope" in unknown.stderr
