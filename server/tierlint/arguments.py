"""The command line as argparse declares it: help, errors and every
subcommand. A plain `tierlint check` never loads it (`cli.plain_check`)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .cli import CHECK_OPTIONS, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse asks for a formatter per argument it adds; left to itself,
        # the formatter imports shutil (and with it bz2 and lzma) to measure
        # the terminal, which is most of what building the parser costs.
        return self.formatter_class(prog=self.prog, width=_terminal_width() - 2)  # type: ignore[call-arg]


@functools.cache
def _terminal_width() -> int:
    """What shutil.get_terminal_size gives: $COLUMNS, else the terminal's, else
    80; asked once, though argparse wants a formatter per argument."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `command`, only that subcommand's parser (each
    costs about a millisecond to build, and a run uses one)."""
    p = _Parser(prog="tierlint", description="Keep the Model column of markdown sprint backlogs honest.")
    p.add_argument("--version", action="version", version=f"tierlint {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, add_arguments) in _SUBCOMMANDS.items():
        if command is None or name == command:
            add_arguments(sub.add_parser(name, help=help_text))
    return p


def _check_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    c.add_argument("--fix", action="store_true", help="apply fixes in place")
    c.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing")
    c.add_argument("--format", choices=CHECK_OPTIONS["--format"][2], default="text")
    c.add_argument(
        "--select",
        metavar="CODES",
        help="comma-separated codes or prefixes to enable (e.g. TL0,TL101)",
    )
    c.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to disable")
    c.add_argument("--config", metavar="FILE", help="use this config file instead of searching for one")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    c.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="name (and config location) for text read from stdin",
    )


def _report_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    r.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    r.add_argument("--config", metavar="FILE")
    r.add_argument("--stdin-filename", metavar="NAME")


def _explain_arguments(e: argparse.ArgumentParser) -> None:
    e.add_argument("ticket", metavar="TICKET_TEXT")
    e.add_argument("--owner", default="", metavar="ROLE")
    e.add_argument("--config", metavar="FILE")
    e.add_argument("--format", choices=("text", "json"), default="text")


def _rules_arguments(ru: argparse.ArgumentParser) -> None:
    ru.add_argument("--format", choices=("text", "json"), default="text")


def _serve_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    s.add_argument(
        "--stdio",
        action="store_true",
        help="use stdin/stdout (the default; accepted for clients that pass it)",
    )


_SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "check": ("lint backlogs (files, folders, or - for stdin)", _check_arguments),
    "report": ("per-sprint tier distribution and cost", _report_arguments),
    "explain": ("recommend a tier for a ticket text and say why", _explain_arguments),
    "rules": ("list every rule code", _rules_arguments),
    "serve": ("run the language server (stdio by default)", _serve_arguments),
}


def parse(argv: Sequence[str]) -> argparse.Namespace | None:
    """The parsed arguments; None, with the help printed, when no command is
    given. A usage error raises UsageError."""
    # the command comes first (`tierlint check …`); anything else gets every subcommand
    first = argv[0] if argv else None
    parser = build_parser(first if first in _SUBCOMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return None
    return args
