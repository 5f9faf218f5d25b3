"""Every server feature, run with VS Code-like (UTF-16; pull and push) and
Neovim-like (UTF-8, pull) capabilities."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tierlint.analyze import Analyzer
from tierlint.config import default_rules
from tierlint.lines import split_lines

from .helpers import apply, diagnostics, edits_of, encoding, open_doc, pulls, units

EMOJI = (Path(__file__).parent.parent / "fixtures" / "lsp" / "emoji.md").read_text(encoding="utf-8")


def tid(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def pos_of(text: str, line: int, needle: str, enc: str) -> lsp.Position:
    row = split_lines(text)[line]
    return lsp.Position(line=line, character=units(row[: row.index(needle)], enc))


async def test_ranges_are_exact_in_the_negotiated_encoding(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    items = await diagnostics(client, uri)
    enc = encoding(client)
    got = {(d.code, d.range.start.line): d for d in items}
    assert sorted(got) == [("TL001", 8), ("TL003", 6), ("TL004", 7)]
    for (_code, line), d in got.items():
        row = split_lines(EMOJI)[line]
        cell = row.rsplit("|", 2)[-2]
        word = cell.strip()
        start = row.rindex("|", 0, len(row) - 1) + 1 + (cell.index(word) if word else 0)
        end = start + len(word) if word else row.rindex("|")
        assert d.range.start.character == units(row[:start], enc)
        assert d.range.end.character == units(row[:end], enc)
    assert got[("TL003", 6)].severity == lsp.DiagnosticSeverity.Error
    assert got[("TL003", 6)].code_description.href.endswith("/docs/rules/TL003.md")
    assert got[("TL003", 6)].source == "tierlint"
    assert got[("TL003", 6)].data["fix"]["title"] == "Set Model to opus — security/payment is always opus"


async def test_quick_fix_changes_only_the_cell(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    items = await diagnostics(client, uri)
    d = next(x for x in items if x.code == "TL003")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=tid(uri), range=d.range, context=lsp.CodeActionContext(diagnostics=[d])
        )
    )
    preferred = [a for a in actions if isinstance(a, lsp.CodeAction) and a.is_preferred]
    assert [a.title for a in preferred] == ["Set Model to opus — security/payment is always opus"]
    assert preferred[0].kind == lsp.CodeActionKind.QuickFix
    fixed = apply(EMOJI, edits_of(preferred[0].edit, uri), encoding(client))
    assert split_lines(fixed)[6] == split_lines(EMOJI)[6].replace("| haiku |", "| opus |")
    assert [x for x in split_lines(fixed) if x not in split_lines(EMOJI)] == [split_lines(fixed)[6]]
    disable = [a for a in actions if a.title == "Disable TL003 for this line"]
    assert disable and not disable[0].is_preferred
    if client.kind == "vscode":  # type: ignore[attr-defined]
        change = preferred[0].edit.document_changes[0]
        assert change.text_document.version == 1


async def test_fix_all_leaves_nothing_fixable(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    await diagnostics(client, uri)
    end = lsp.Position(line=0, character=0)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=tid(uri),
            range=lsp.Range(start=end, end=end),
            context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.tierlint"]
    fixed = apply(EMOJI, edits_of(actions[0].edit, uri), encoding(client))
    rest = [d for d in Analyzer(default_rules()).analyze(fixed).diagnostics if d.fix is not None]
    assert rest == []
    assert fixed.count("\n") == EMOJI.count("\n")
    only_quick = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=tid(uri),
            range=lsp.Range(start=end, end=end),
            context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.QuickFix]),
        )
    )
    assert all(a.kind == lsp.CodeActionKind.QuickFix for a in only_quick)


async def test_hover_explains_the_ticket_and_the_tier(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    enc = encoding(client)
    h = await client.text_document_hover_async(
        lsp.HoverParams(text_document=tid(uri), position=pos_of(EMOJI, 6, "Implement", enc))
    )
    text = h.contents.value
    assert text.startswith("**tierlint** · ticket 1.1 → **opus** ($$$)")
    assert "security/payment is always opus (Model Assignment in Backlog › When to Override)" in text
    assert "- Model cell: `haiku` → haiku ✗ under-tiered" in text
    assert "- Cost: opus costs 10 units per ticket (10x haiku, 3.33x sonnet)" in text
    cell = await client.text_document_hover_async(
        lsp.HoverParams(text_document=tid(uri), position=pos_of(EMOJI, 6, "haiku", enc))
    )
    assert cell.contents.value.startswith("**haiku** ($, 1x) — when to use Haiku")
    assert "- [ ] Task follows established pattern" in cell.contents.value
    head = await client.text_document_hover_async(
        lsp.HoverParams(text_document=tid(uri), position=pos_of(EMOJI, 2, "Sprint", enc))
    )
    assert head.contents.value.startswith(
        "**Sprint 1: Auth 🚀** — 3 tickets, cost 11 (at recommended tiers: 14)"
    )
    assert "█" in head.contents.value and "░" in head.contents.value
    assert "Opus share 33% against the < 20% target: ✗ above target" in head.contents.value
    nothing = await client.text_document_hover_async(
        lsp.HoverParams(text_document=tid(uri), position=lsp.Position(line=0, character=2))
    )
    assert nothing is None


async def test_code_lens_shows_distribution_and_fix_count(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=tid(uri)))
    titles = [(lens.range.start.line, lens.command.title) for lens in lenses]
    assert titles == [
        (4, "haiku 1 (33%) · sonnet 0 (0%) · opus 1 (33%) · unassigned 1 · cost 11 · opus ≤ 20% ✗"),
        (4, "Fix 3 tiers"),
    ]
    assert lenses[1].command.command == "tierlint.server.fixTiers"
    await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=lenses[1].command.command, arguments=lenses[1].command.arguments)
    )
    (edit,) = client.applied_edits  # type: ignore[attr-defined]
    fixed = apply(EMOJI, edits_of(edit, uri), encoding(client))
    assert [d.code for d in Analyzer(default_rules()).analyze(fixed).diagnostics] == []


async def test_completion_in_a_model_cell(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    row = split_lines(EMOJI)[8]
    col = units(row[: row.rindex("|") - 1], encoding(client))
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=tid(uri), position=lsp.Position(line=8, character=col))
    )
    labels = [i.label for i in result.items]
    assert labels[:3] == ["sonnet", "haiku", "opus"]
    assert result.items[0].preselect
    assert "component" in result.items[0].documentation.value
    assert "gpt-4" in labels


async def test_document_symbols(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    (sprint,) = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=tid(uri))
    )
    assert sprint.name == "Sprint 1: Auth 🚀"
    assert [c.detail for c in sprint.children] == ["haiku → opus", "opus → haiku", "sonnet"]


async def test_commands(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    report = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="tierlint.server.report", arguments=[uri])
    )
    assert report.startswith("## tierlint report: emoji.md")
    assert "| Sprint 1: Auth 🚀 | 3 | 33% | 0% | 33% | 1 | 11 | 14 | ✗ (33% > 20%) |" in report
    stats = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="tierlint.server.stats", arguments=[uri])
    )
    assert stats["haiku"] == 1 and stats["opus"] == 1 and stats["unassigned"] == 1 and stats["cost"] == 11
    info = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="tierlint.server.debugInfo", arguments=[])
    )
    assert info.startswith("tierlint ")
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="tierlint.server.fixAll", arguments=[uri])
    )
    assert result["applied"] is True
    (edit,) = client.applied_edits  # type: ignore[attr-defined]
    fixed = apply(EMOJI, edits_of(edit, uri), encoding(client))
    assert [d.code for d in Analyzer(default_rules()).analyze(fixed).diagnostics if d.fix] == []


async def test_edit_storm_ends_equal_to_the_cli(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "storm.md").as_uri()
    text = EMOJI
    await open_doc(client, uri, text)
    enc = encoding(client)
    cycle = ["haiku", "opus", "sonnet", "", "TBD", "gpt-4"]
    for version in range(2, 202):
        lines = split_lines(text)
        row = lines[7]
        start = row.rindex("|", 0, len(row) - 1) + 1
        end = row.rindex("|")
        new = f" {cycle[version % len(cycle)]} "
        rng = lsp.Range(
            start=lsp.Position(line=7, character=units(row[:start], enc)),
            end=lsp.Position(line=7, character=units(row[:end], enc)),
        )
        text = "\n".join([*lines[:7], row[:start] + new + row[end:], *lines[8:]])
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )
    if not pulls(client):
        await asyncio.sleep(0.6)
    items = await diagnostics(client, uri)
    want = Analyzer(default_rules()).analyze(text).diagnostics
    assert [(d.code, d.range.start.line, d.message) for d in items] == [
        (d.code, d.span.line, d.message) for d in want
    ]


async def test_settings_and_config_reload(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    assert "TL004" in [d.code for d in await diagnostics(client, uri)]
    (tmp_path / "tierlint.toml").write_text("ignore = ['TL004']\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[
                lsp.FileEvent(uri=(tmp_path / "tierlint.toml").as_uri(), type=lsp.FileChangeType.Created)
            ]
        )
    )
    await asyncio.sleep(0.5)
    assert "TL004" not in [d.code for d in await diagnostics(client, uri)]
    client.set_configuration({"select": ["TL001"]}, section="tierlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.5)
    assert [d.code for d in await diagnostics(client, uri)] == ["TL001"]


async def test_bad_config_shows_one_message_and_uses_defaults(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "tierlint.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    codes = [d.code for d in await diagnostics(client, uri)]
    assert sorted(codes) == ["TL001", "TL003", "TL004"]
    await open_doc(client, (tmp_path / "other.md").as_uri(), EMOJI)
    await asyncio.sleep(0.3)
    shown = [m.message for m in client.messages if "colour" in m.message]
    assert len(shown) == 1
    assert "tierlint.toml:1: colour: unknown key 'colour'" in shown[0]


async def test_error_paths_never_kill_the_server(client: LanguageClient, tmp_path: Path) -> None:
    ghost = (tmp_path / "ghost.md").as_uri()
    assert (
        await client.text_document_hover_async(
            lsp.HoverParams(text_document=tid(ghost), position=lsp.Position(line=0, character=0))
        )
        is None
    )
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=ghost, version=3),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="x")],
        )
    )
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    far = lsp.Position(line=9999, character=9999)
    assert (
        await client.text_document_hover_async(lsp.HoverParams(text_document=tid(uri), position=far)) is None
    )
    assert (
        list(await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=tid(ghost)))) == []
    )
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(range=lsp.Range(start=far, end=far), text="\n")
            ],
        )
    )
    assert len(await diagnostics(client, uri)) == 3


async def test_too_big_documents_are_skipped_with_one_message(client: LanguageClient, tmp_path: Path) -> None:
    client.set_configuration({"maxFileSize": 200}, section="tierlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    assert await diagnostics(client, uri) == []
    await asyncio.sleep(0.2)
    assert [m.type for m in client.messages if "maxFileSize" in m.message] == [lsp.MessageType.Info]


async def test_close_clears_pushed_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    if pulls(client):
        pytest.skip("pull clients own their diagnostics")
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    assert await diagnostics(client, uri)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=tid(uri)))
    await asyncio.sleep(0.3)
    assert list(client.diagnostics[uri]) == []


async def test_quick_fix_offered_for_the_diagnostics_the_client_names(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    d = next(x for x in await diagnostics(client, uri) if x.code == "TL003")
    cursor = lsp.Position(line=d.range.start.line, character=0)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=tid(uri),
            range=lsp.Range(start=cursor, end=cursor),
            context=lsp.CodeActionContext(diagnostics=[d]),
        )
    )
    assert [a.title for a in actions if a.is_preferred] == [
        "Set Model to opus — security/payment is always opus"
    ]


async def test_run_on_save_keeps_the_saved_findings_until_the_next_save(
    client: LanguageClient, tmp_path: Path
) -> None:
    client.set_configuration({"run": "onSave"}, section="tierlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    assert len(await diagnostics(client, uri)) == 3
    fixed = EMOJI.replace("| Backend | haiku |", "| Backend | opus |")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await asyncio.sleep(0.4)
    assert len(await diagnostics(client, uri)) == 3
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=tid(uri)))
    await asyncio.sleep(0.4)
    assert sorted(d.code for d in await diagnostics(client, uri)) == ["TL001", "TL004"]


async def test_inlay_hints_are_off_until_enabled(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "emoji.md").as_uri()
    await open_doc(client, uri, EMOJI)
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=20, character=0))
    assert (
        list(
            await client.text_document_inlay_hint_async(
                lsp.InlayHintParams(text_document=tid(uri), range=whole)
            )
        )
        == []
    )
    client.set_configuration({"inlayHints": True}, section="tierlint")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(text_document=tid(uri), range=whole)
    )
    enc = encoding(client)
    assert [(h.label, h.position.line) for h in hints] == [("→ opus", 6), ("→ haiku", 7), ("→ sonnet", 8)]
    row = split_lines(EMOJI)[6]
    assert hints[0].position.character == units(row[: row.index("haiku") + 5], enc)


async def test_disable_for_this_line_keeps_the_table_a_table(client: LanguageClient, tmp_path: Path) -> None:
    text = "## Sprint 1: X\n\n| # | Ticket | Status |\n|---|---|---|\n| 1 | Implement ReportService | todo |\n| 2 | Create users table migration |\n"
    uri = (tmp_path / "t.md").as_uri()
    await open_doc(client, uri, text)
    items = await diagnostics(client, uri)
    assert sorted(d.code for d in items) == ["TL005", "TL201"]
    for d in items:
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=tid(uri), range=d.range, context=lsp.CodeActionContext(diagnostics=[d])
            )
        )
        (disable,) = [a for a in actions if a.title == f"Disable {d.code} for this line"]
        changed = apply(text, edits_of(disable.edit, uri), encoding(client))
        analysis = Analyzer(default_rules()).analyze(changed)
        assert len(analysis.tickets) == 2
        assert d.code not in [x.code for x in analysis.diagnostics]
        assert changed.count("|") == text.count("|")


async def test_a_range_follows_an_emoji_typed_earlier_on_its_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    """Typing an emoji in place of a letter leaves the finding equal in code
    points, but moves its end in the client's units: the server must not
    answer with the range it converted before the edit."""
    uri = (tmp_path / "ragged.md").as_uri()
    row = "| 1.1 | Fix typo in README | Todo | Backend |"
    text = f"## Sprint 1: Core\n\n| # | Ticket | Status | Owner | Model |\n|---|---|---|---|---|\n{row}\n"
    await open_doc(client, uri, text)
    enc = encoding(client)

    async def row_range() -> tuple[int, int]:
        (d,) = [d for d in await diagnostics(client, uri) if d.code == "TL201"]
        return d.range.start.character, d.range.end.character

    assert await row_range() == (0, units(row, enc))
    at = row.index("Todo")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(
                        start=lsp.Position(line=4, character=units(row[:at], enc)),
                        end=lsp.Position(line=4, character=units(row[: at + 1], enc)),
                    ),
                    text="🔲",
                )
            ],
        )
    )
    if not pulls(client):
        await asyncio.sleep(0.6)
    edited = row[:at] + "🔲" + row[at + 1 :]
    assert await row_range() == (0, units(edited, enc))
