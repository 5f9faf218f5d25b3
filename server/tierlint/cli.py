"""The `tierlint` command. It never imports pygls or lsprotocol (start-up time);
`tierlint serve` loads the language server only when asked for.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace

from . import regexes
from .analyze import Analyzer, Settings, fix_all
from .codes import CODES, is_selector
from .config import Config, ConfigError, ConfigResolver, default_config
from .output import FileResult, render_github, render_json, render_sarif, render_text
from .parallel import default_workers
from .rules import RuleError, RuleSet
from .sources import Source, SourceError, clean_path, decode, encode, read, walk, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be run; the message says why."""


# `tierlint check`'s options: flag -> (attribute, whether it takes a value,
# the values it allows). `arguments` declares the same for argparse.
CHECK_OPTIONS: dict[str, tuple[str, bool, tuple[str, ...] | None]] = {
    "--fix": ("fix", False, None),
    "--diff": ("diff", False, None),
    "--format": ("format", True, ("text", "json", "sarif", "github")),
    "--select": ("select", True, None),
    "--ignore": ("ignore", True, None),
    "--config": ("config", True, None),
    "--exit-zero": ("exit_zero", False, None),
    "--stdin-filename": ("stdin_filename", True, None),
}


def plain_check(argv: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of `tierlint check` as argparse reads them, when they are
    written plainly: whole option names, a value after its option or its `=`,
    and the paths together. Anything else (help, an abbreviation, `--`, a
    mistake) is None, and argparse parses it and words the errors; it stays
    unloaded for a plain run, with the `re` and `gettext` it loads and the
    message catalogues it looks for."""
    if not argv or argv[0] != "check":
        return None
    args = {attr: None if takes else False for attr, takes, _ in CHECK_OPTIONS.values()}
    args["format"] = "text"
    paths: list[str] = []
    ended = False  # argparse takes the paths as one run of arguments
    i, n = 1, len(argv)
    while i < n:
        arg = argv[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            if ended:
                return None
            paths.append(arg)
            continue
        ended = bool(paths)
        name, eq, value = arg.partition("=")
        spec = CHECK_OPTIONS.get(name)
        if spec is None:
            return None
        attr, takes, choices = spec
        if not takes:
            if eq:
                return None
            args[attr] = True
            continue
        if not eq:
            if i == n or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        if choices is not None and value not in choices:
            return None
        args[attr] = value
    return SimpleNamespace(command="check", paths=paths or ["."], **args)


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


def cmd_check(args: Namespace, out: list[str], err: list[str]) -> int:
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


def cmd_report(args: Namespace, out: list[str], err: list[str]) -> int:
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


def cmd_explain(args: Namespace, out: list[str], err: list[str]) -> int:
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


def cmd_rules(args: Namespace, out: list[str], err: list[str]) -> int:
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


def cmd_serve(args: Namespace, out: list[str], err: list[str]) -> int:
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
        args = plain_check(args_list)
        if args is None:
            from .arguments import parse

            args = parse(args_list)
            if args is None:
                return EXIT_ERROR  # no command: the help has been printed
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
