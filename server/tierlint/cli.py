"""The `tierlint` command. It never imports pygls or lsprotocol (start-up time);
`tierlint serve` loads the language server only when asked for.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__, regexes
from .analyze import Analyzer, Settings, fix_all
from .codes import CODES, is_selector
from .config import Config, ConfigError, ConfigResolver, default_config
from .output import FileResult, render_github, render_json, render_sarif, render_text
from .parallel import default_workers
from .rules import RuleError, RuleSet
from .sources import Source, SourceError, clean_path, decode, encode, read, walk, write_atomic

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


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
    c.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
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


def _codes(value: str | None, flag: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(v.strip().upper() for v in value.split(",") if v.strip())
    for item in items:
        if not is_selector(item):
            raise UsageError(f"tierlint: {flag}: unknown rule code or prefix '{item}' (see `tierlint rules`)")
    return items


class Runner:
    def __init__(self, config_path: str | None) -> None:
        explicit = config_path or None
        if explicit is not None and not os.path.isfile(explicit):
            raise ConfigError(config_path or "", None, "", "config file not found")
        self.resolver = ConfigResolver(explicit)
        self._analyzers: dict[int, Analyzer] = {}

    def config(self, path: str) -> Config:
        return self.resolver.for_path(path)

    def analyzer(self, rules: RuleSet) -> Analyzer:
        key = id(rules)
        if key not in self._analyzers:
            self._analyzers[key] = Analyzer(rules, workers=default_workers())
        return self._analyzers[key]


def _collect(paths: Sequence[str], runner: Runner) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(display name, path) for every file to check; '-' means stdin."""
    out: list[tuple[str, str | None]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.append(("-", None))
            continue
        p = clean_path(raw)
        if os.path.isdir(p):
            for f in walk(p):
                try:
                    resolved = os.path.realpath(f)
                except (OSError, RuntimeError):
                    resolved = os.path.abspath(f)
                if resolved in seen:
                    continue
                try:
                    cfg = runner.config(f)
                except ConfigError:
                    cfg = None
                if cfg is not None and _excluded(f, cfg):
                    continue
                seen.add(resolved)
                out.append((f, f))
        elif os.path.islink(p) or os.path.exists(p):
            with contextlib.suppress(OSError, RuntimeError, ValueError):  # a loop: reading reports it
                seen.add(os.path.realpath(p))
            out.append((raw, p))
        else:
            errors.append(f"{raw}: no such file or directory")
    return out, errors


def _excluded(path: str, cfg: Config) -> bool:
    if not cfg.exclude or cfg.root is None:
        return False
    import fnmatch

    where, root = os.path.realpath(path), os.path.realpath(cfg.root)
    if where == root:
        rel = "."
    elif where.startswith(root.rstrip(os.sep) + os.sep):
        rel = where[len(root.rstrip(os.sep)) + 1 :]
    else:
        rel = path  # outside the config's folder: as given
    if os.altsep:
        rel = rel.replace(os.sep, os.altsep)
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in cfg.exclude)


def _settings(cfg: Config, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> Settings:
    s = cfg.settings
    return Settings(
        select if select is not None else s.select,
        ignore if ignore is not None else s.ignore,
        s.severity,
    )


def _read_stdin(name: str) -> Source:
    data = sys.stdin.buffer.read()
    return decode(data, name)


# The last command's analyses. Freeing a big backlog's analysis object by object
# when a command returns costs more than a small backlog's whole run; kept
# here, the console script's exit (`main.run`) drops them all at once.
_LAST_RUN: list[object] = []


def _outlive(*objects: object) -> None:
    _LAST_RUN[:] = objects


def cmd_check(args: argparse.Namespace, out: list[str], err: list[str]) -> int:
    select = _codes(args.select, "--select")
    ignore = _codes(args.ignore, "--ignore")
    runner = Runner(args.config)
    if args.stdin_filename and args.paths == ["."]:
        args.paths = ["-"]  # a name for stdin implies reading stdin
    files, missing = _collect(args.paths, runner)
    err.extend(missing)
    results: list[FileResult] = []
    io_error = bool(missing)
    diffs: list[str] = []
    for name, path in files:
        display = args.stdin_filename or "-" if path is None else name
        where = args.stdin_filename if path is None and args.stdin_filename else (path or os.getcwd())
        try:
            cfg = runner.config(where)
            source = _read_stdin(display) if path is None else read(path, name)
        except SourceError as exc:
            err.append(str(exc))
            results.append(FileResult(display, error=str(exc)))
            io_error = True
            continue
        settings = _settings(cfg, select, ignore)
        analyzer = runner.analyzer(cfg.rules)
        if args.fix or args.diff:
            new_text, count, analysis = fix_all(analyzer, source.text, settings)
            changed = new_text != source.text
            if args.diff and changed:
                diffs.append(_diff(display, source.text, new_text))
            if args.fix and changed and not args.diff:
                if path is None:
                    sys.stdout.buffer.write(encode(source, new_text))
                    sys.stdout.flush()
                else:
                    try:
                        write_atomic(path, encode(source, new_text))
                    except OSError as exc:
                        msg = f"{name}: cannot write fixes: {exc.strerror or exc}; file left unchanged"
                        err.append(msg)
                        io_error = True
                        analysis = analyzer.analyze(source.text, settings)
                        count = 0
            elif args.fix and path is None and not args.diff:
                sys.stdout.buffer.write(encode(source, source.text))
                sys.stdout.flush()
            if args.diff:
                analysis = analyzer.analyze(source.text, settings)
                count = 0
            results.append(
                FileResult(
                    display,
                    Source(source.path, new_text if args.fix else source.text, source.bom),
                    analysis,
                    fixed=count if args.fix else 0,
                )
            )
        else:
            analysis = analyzer.analyze(source.text, settings)
            results.append(FileResult(display, source, analysis))
    findings = sum(len(r.analysis.diagnostics) for r in results if r.analysis is not None)
    _outlive(runner, results)
    if args.diff:
        out.append("".join(diffs).rstrip("\n"))
        if diffs:
            return EXIT_ERROR if io_error else (EXIT_OK if args.exit_zero else EXIT_FINDINGS)
        return EXIT_ERROR if io_error else EXIT_OK
    stdin_fix = args.fix and any(p is None for _, p in files)
    if args.format == "json":
        out.append(render_json(results))
    elif args.format == "sarif":
        out.append(render_sarif(results))
    elif args.format == "github":
        out.append(render_github(results))
    elif stdin_fix:
        err.append(render_text(results, failed=io_error))
    else:
        out.append(render_text(results, failed=io_error))
    if io_error:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _diff(name: str, before: str, after: str) -> str:
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    old, new = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
    import difflib

    return "".join(difflib.unified_diff(a, b, fromfile=old, tofile=new))


def cmd_report(args: argparse.Namespace, out: list[str], err: list[str]) -> int:
    from . import report

    runner = Runner(args.config)
    if args.stdin_filename and args.paths == ["."]:
        args.paths = ["-"]  # a name for stdin implies reading stdin
    files, missing = _collect(args.paths, runner)
    err.extend(missing)
    items = []
    failed = bool(missing)
    for name, path in files:
        display = args.stdin_filename or "-" if path is None else name
        where = args.stdin_filename if path is None and args.stdin_filename else (path or os.getcwd())
        try:
            cfg = runner.config(where)
            source = _read_stdin(display) if path is None else read(path, name)
        except SourceError as exc:
            err.append(str(exc))
            failed = True
            continue
        analysis = runner.analyzer(cfg.rules).analyze(source.text, cfg.settings)
        items.append((display, analysis, cfg.rules))
    _outlive(runner, items)
    if items:
        out.append(report.render_many(args.format, items).rstrip("\n"))
    return EXIT_ERROR if failed else EXIT_OK


def cmd_explain(args: argparse.Namespace, out: list[str], err: list[str]) -> int:
    cfg = ConfigResolver(args.config).for_path(os.getcwd()) if args.config else _cwd_config()
    analyzer = Analyzer(cfg.rules)
    rec = analyzer.classifier.classify(args.ticket.strip(), args.owner.strip())
    role = analyzer.classifier.role(args.owner) if args.owner else None
    tiers = cfg.rules.tiers
    if args.format == "json":
        import json

        out.append(
            json.dumps(
                {
                    "ticket": args.ticket,
                    "owner": args.owner or None,
                    "role": role.title if role else None,
                    "recommended": rec.tier,
                    "rule": rec.rule,
                    "pattern": rec.rule_text,
                    "section": rec.section,
                    "matched": rec.matched,
                    "modifiers": [
                        {"name": m.name, "effect": m.effect, "tier": m.tier, "section": m.section}
                        for m in rec.modifiers
                    ],
                    "rationale": rec.rationale,
                    "cost": tiers[rec.tier].cost,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    t = tiers[rec.tier]
    lines = [
        f"Ticket:       {args.ticket}",
        f"Owner:        {args.owner or '-'}" + (f" ({role.title})" if role else ""),
        f"Recommended:  {rec.tier}  ({t.symbol}, cost {t.cost}x haiku)",
        f"Rule:         {rec.rule} — “{rec.rule_text}” ({rec.section})"
        + ("" if rec.matched else "  [default: fills empty cells, never reported as a mismatch]"),
    ]
    if rec.modifiers:
        lines.append(
            "Modifiers:    "
            + "\n              ".join(f"{m.name}: {m.effect} → {m.tier} ({m.section})" for m in rec.modifiers)
        )
    else:
        lines.append("Modifiers:    none")
    lines.append(f"Rationale:    {rec.rationale}")
    out.append("\n".join(lines))
    return EXIT_OK


def _cwd_config() -> Config:
    try:
        return ConfigResolver().for_path(os.getcwd())
    except ConfigError:
        raise
    except OSError:
        return default_config()


def cmd_rules(args: argparse.Namespace, out: list[str], err: list[str]) -> int:
    if args.format == "json":
        import json

        out.append(
            json.dumps(
                [
                    {
                        "code": c.code,
                        "name": c.name,
                        "severity": c.severity.label,
                        "fixable": c.fixable,
                        "summary": c.summary,
                        "url": c.url,
                    }
                    for c in CODES.values()
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    width = max(len(c.name) for c in CODES.values())
    for c in CODES.values():
        fix = "[*]" if c.fixable else "   "
        out.append(f"{c.code}  {c.name:<{width}}  {c.severity.label:<11} {fix} {c.summary}")
    out.append("\n[*] fixable with `tierlint check --fix`. Docs: docs/rules/<CODE>.md")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: list[str], err: list[str]) -> int:
    from .lsp.server import run

    return run(args.tcp)


COMMANDS = {
    "check": cmd_check,
    "report": cmd_report,
    "explain": cmd_explain,
    "rules": cmd_rules,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    out: list[str] = []
    err: list[str] = []
    finished = False
    try:
        args_list = list(sys.argv[1:] if argv is None else argv)
        # the command comes first (`tierlint check …`); anything else gets every subcommand
        first = args_list[0] if args_list else None
        parser = build_parser(first if first in _SUBCOMMANDS else None)
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return EXIT_ERROR
        code = COMMANDS[args.command](args, out, err)
        finished = True
    except UsageError as exc:
        err.append(str(exc))
        code = EXIT_ERROR
    except (ConfigError, RuleError) as exc:
        err.append(f"tierlint: config error: {exc}")
        code = EXIT_ERROR
    except KeyboardInterrupt:
        err.append("tierlint: interrupted")
        code = 130
    except BrokenPipeError:
        return EXIT_ERROR
    _flush(out, sys.stdout)
    _flush(err, sys.stderr)
    if finished:  # after the output, and never once the user has interrupted
        try:
            regexes.keep()  # only a first run (or a damaged store) writes
        except KeyboardInterrupt:
            return 130
    return code


def _flush(lines: list[str], stream) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(x for x in lines if x is not None)
    if not text:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
