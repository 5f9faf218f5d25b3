"""Hypothesis strategies: hostile text, and generated markdown backlogs.

`backlogs()` returns a `Backlog`: the text plus what the generator put where
(table lines, Model / Cost Tier column indices), so a test can tell the cells a
fix may touch from the bytes it must leave alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

# -- characters ----------------------------------------------------------------

ASTRAL_EMOJI = ["😀", "🚀", "🔐", "👩‍💻", "🧪", "🇫🇷", "👍🏽", "🫠", "🔄", "✅", "🔲", "💰"]
BMP_SYMBOLS = ["→", "★", "☕", "⚠️", "✔", "⏳", "™", "©", "‼", "※"]
CJK = ["認証", "データ", "測試", "한국어", "漢字", "ｶﾀｶﾅ"]
COMBINING = ["e\u0301", "a\u0308", "n\u0303", "\u0301", "o\u0328\u0301", "Z\u0351\u0327"]
# Characters other tools treat as line breaks but the LSP (and tierlint) do not.
NOT_BREAKS = ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1d", "\x1e"]
LINE_BREAKS = ["\n", "\r\n", "\r"]
MARKDOWN_BITS = [
    "|",
    "\\|",
    "\\",
    "`",
    "```",
    "~~~",
    "# ",
    "## ",
    "---",
    "|---|---|",
    ":--",
    "--:",
    "<!--",
    "-->",
    "> ",
    "- ",
    "1. ",
    "    ",
    "\t",
    "**",
    "_",
    "[x](y)",
    "{{MODEL}}",
    "<!-- tierlint-disable -->",
    "<!-- tierlint-disable-next-line TL001 -->",
    "Distribution: 1 haiku (50%) | 1 sonnet (50%)",
    "(3 tickets)",
]

# Every Unicode scalar (and lone surrogates, which a Python str can hold).
any_char = st.characters(codec=None, exclude_categories=())
# Lone surrogates excluded: text that can be UTF-8 encoded (what a file or an
# LSP message can carry).
scalar_char = st.characters(exclude_categories=("Cs",))
interesting_piece = st.one_of(
    st.sampled_from(ASTRAL_EMOJI + BMP_SYMBOLS + CJK + COMBINING + NOT_BREAKS + LINE_BREAKS),
    st.sampled_from(MARKDOWN_BITS),
    st.just("\x00"),
    st.text(alphabet=st.sampled_from("abc xyz|-: "), max_size=6),
)


@st.composite
def hostile_text(draw, surrogates: bool = True, max_pieces: int = 60) -> str:
    """Random text biased towards markdown tables, odd line breaks and
    multi-unit characters; sometimes one very long line."""
    chars = any_char if surrogates else scalar_char
    pieces = draw(
        st.lists(
            st.one_of(interesting_piece, interesting_piece, st.text(chars, max_size=8)),
            max_size=max_pieces,
        )
    )
    text = "".join(pieces)
    if draw(st.integers(0, 19)) == 0:
        # A huge line. Pipe-heavy ones stay a few thousand pipes long: parsing
        # is quadratic in them (see test_long_pipe_line_is_linear, xfail).
        unit = draw(st.sampled_from(["a", "😀", "e\u0301", "認", "|", "| x "]))
        top = 2_500 if "|" in unit else 100_000
        text += unit * draw(st.integers(1_000, top))
    return text


@st.composite
def table_soup(draw, surrogates: bool = True) -> str:
    """Text built from table-ish rows, headings and fences: where the parser's
    edge cases live."""
    chars = any_char if surrogates else scalar_char
    cell = st.one_of(
        st.sampled_from(["", " ", "Ticket", "Model", "Owner", "Status", "haiku", "opus", "#", "1.1"]),
        st.text(chars, max_size=6),
        st.sampled_from(ASTRAL_EMOJI + CJK + COMBINING + NOT_BREAKS),
        st.just("a \\| b"),
    )
    pad = st.text(alphabet=" \t", max_size=3)

    @st.composite
    def row(draw) -> str:
        cells = draw(st.lists(st.tuples(pad, cell, pad), min_size=1, max_size=5))
        body = "|".join(a + c + b for a, c, b in cells)
        lead = draw(st.sampled_from(["", "|", " |", "   |", "    |", "\t|"]))
        trail = draw(st.sampled_from(["", "|", "| ", "|\t", " \\|"]))
        return lead + body + trail

    delim = st.builds(
        lambda lead, parts, trail: lead + "|".join(parts) + trail,
        st.sampled_from(["", "|", " |", "  |"]),
        st.lists(
            st.sampled_from(["---", ":--", "--:", ":-:", " --- ", "-", " :---: "]), min_size=1, max_size=5
        ),
        st.sampled_from(["", "|", "| "]),
    )
    line = st.one_of(
        row(),
        row(),
        delim,
        st.sampled_from(["", "# Sprint 1: X", "## Sprint 2 (2 tickets)", "```", "~~~", "````md", "> | a |"]),
        st.sampled_from(["- | a | b |", "    | a | b |", "<!--", "-->", "Distribution: 2 haiku (100%)"]),
        st.text(chars, max_size=10),
    )
    lines = draw(st.lists(line, max_size=25))
    breaks = draw(st.lists(st.sampled_from(LINE_BREAKS), min_size=len(lines), max_size=len(lines)))
    return "".join(a + b for a, b in zip(lines, breaks))


# -- backlogs ----------------------------------------------------------------------

TITLES = [
    "Create users table migration",
    "Create orders table migration",
    "Add docker-compose config file",
    "Implement ProductService",
    "Create GET /products endpoint",
    "Create product seed data",
    "Document product API",
    "Implement JWT authentication middleware",
    "Build LoginForm component",
    "Implement Stripe payment integration",
    "Write tests for CartService",
    "Implement cart state machine",
    "Write integration tests for order flow",
    "Research search engine options",
    "Design search architecture",
    "Implement search architecture",
    "Debug slow category queries",
    "Prototype voice search (POC)",
    "Fix typo in README",
    "Update favicon",
    "Add .env.example template",
    "Refactor billing module",
    "Set up CI pipeline",
    "Add index to orders table",
    "Rename variable in utils",
    "Build OrderHistory page",
    "Investigate flaky checkout timeout",
    "Write README quick start",
    "Design multi-tenant data model",
    "Add logging to payment webhook",
]
OWNERS = ["Backend", "Frontend", "DB", "DevOps", "QA", "Backend Lead", "", "PM", "🤖 Agent"]
STATUSES = ["✅ Done", "🔄 In Progress", "🔲 Todo", "Blocked", "", "👀 Review", "done"]
MODELS = [
    "haiku", "Sonnet", "OPUS", "gpt-4", "claude-3-opus", "", "TBD", "haku", "sonet", "opsu", "-",
    "**opus**", "`haiku`", "sonnet <!-- why -->", "<!-- later -->", "opus 🔥",
]  # fmt: skip
COSTS = ["$", "$$", "$$$", "", "💰", "$ $"]
EMOJI_DECOR = ["", "", "🔐 ", "🚀 ", "✅ ", "👩‍💻 ", "認証 ", "e\u0301 "]

Layout = str  # "compact" | "tight" | "aligned" | "random"


@dataclass
class TableInfo:
    header_line: int
    row_lines: list[int]
    model_col: int | None
    cost_col: int | None
    ncols: int


@dataclass
class Backlog:
    text: str
    eol: str
    tables: list[TableInfo] = field(default_factory=list)
    distribution_lines: list[int] = field(default_factory=list)
    heading_lines: list[int] = field(default_factory=list)


def _align(text: str, width: int, how: str) -> str:
    if how == "right":
        return text.rjust(width)
    if how == "center":
        return text.center(width)
    return text.ljust(width)


def _delim(width: int, how: str) -> str:
    width = max(width, 3)
    if how == "right":
        return "-" * (width - 1) + ":"
    if how == "center":
        return ":" + "-" * (width - 2) + ":"
    if how == "left-colon":
        return ":" + "-" * (width - 1)
    return "-" * width


@st.composite
def _table(draw, sprint: int) -> tuple[list[str], int | None, int | None, int]:
    """The lines of one ticket table, the Model and Cost Tier column indices."""
    has_model = draw(st.integers(0, 9)) > 0  # sometimes none: TL005
    has_cost = draw(st.booleans())
    cols = ["id", "title", "status", "owner"]
    if has_model:
        cols.append("model")
    if has_cost:
        cols.append("cost")
    # keep id/title first (most backlogs do) but sometimes shuffle the rest
    rest = cols[2:]
    if draw(st.booleans()):
        rest = draw(st.permutations(rest))
    cols = [*cols[:2], *rest]
    names = {
        "id": st.sampled_from(["#", "ID", "#"]),
        "title": st.sampled_from(["Ticket", "Task", "Title", "**Ticket**"]),
        "status": st.sampled_from(["Status", "State"]),
        "owner": st.sampled_from(["Owner", "Role", "Assignee"]),
        "model": st.sampled_from(["Model", "AI Model", "model", "🤖 Model"]),
        "cost": st.sampled_from(["Cost Tier", "Cost"]),
    }
    header = [draw(names[c]) for c in cols]
    nrows = draw(st.integers(1, 6))
    rows = []
    for i in range(nrows):
        title = draw(st.sampled_from(EMOJI_DECOR)) + draw(st.sampled_from(TITLES))
        if draw(st.integers(0, 9)) == 0:
            title = title + " \\| extra"
        value = {
            "id": f"{sprint}.{i + 1}",
            "title": title + draw(st.sampled_from(["", "", " 🚀", " 認証"])),
            "status": draw(st.sampled_from(STATUSES)),
            "owner": draw(st.sampled_from(OWNERS)),
            "model": draw(st.sampled_from(MODELS)),
            "cost": draw(st.sampled_from(COSTS)),
        }
        cells = [value[c] for c in cols]
        if draw(st.integers(0, 14)) == 0 and len(cells) > 2:
            cells = cells[: draw(st.integers(2, len(cells) - 1))]  # a short (ragged) row
        elif draw(st.integers(0, 19)) == 0:
            cells = [*cells, "extra"]  # a long (ragged) row
        rows.append(cells)

    layout = draw(st.sampled_from(["compact", "tight", "aligned", "random"]))
    lead = draw(st.booleans()) or layout == "aligned" or draw(st.booleans())
    trail = draw(st.booleans()) or draw(st.booleans())
    aligns = [draw(st.sampled_from(["left", "right", "center", "left-colon"])) for _ in cols]

    def render(cells: list[str], is_delim: bool = False) -> str:
        parts = []
        for k, c in enumerate(cells):
            if layout == "tight":
                parts.append(c)
            elif layout == "compact":
                parts.append(f" {c} ")
            elif layout == "aligned":
                head = len(header[k]) if k < len(header) else 0
                width = max(head, 3, *(len(r[k]) for r in rows if k < len(r)))
                parts.append(" " + (c if is_delim else _align(c, width, aligns[k % len(aligns)])) + " ")
            else:
                # a tab before the first cell of a pipe-less row would indent it into code
                a = draw(st.text(alphabet=" \t" if (lead or k) else " ", max_size=3))
                b = draw(st.text(alphabet=" ", max_size=3))
                parts.append(a + c + b)
        body = "|".join(parts)
        return ("|" if lead else "") + body + ("|" if trail else "")

    delim_cells = []
    for k in range(len(cols)):
        if layout == "aligned":
            width = max(len(header[k]), 3, *(len(r[k]) for r in rows if k < len(r)))
            delim_cells.append(_delim(width, aligns[k]))
        else:
            delim_cells.append(_delim(3, aligns[k]) if layout != "tight" else "---")
    if not lead and not trail and len(cols) == 1:
        trail = True
    lines = [render(header), render(delim_cells, True), *(render(r) for r in rows)]
    model_col = cols.index("model") if "model" in cols else None
    cost_col = cols.index("cost") if "cost" in cols else None
    return lines, model_col, cost_col, len(cols)


@st.composite
def backlogs(draw, max_sprints: int = 3) -> Backlog:
    """A markdown backlog: sprint headings, ticket tables in every layout,
    distribution lines, prose, and one line-ending style (or a mix)."""
    eol_kind = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    lines: list[str] = []
    bl = Backlog("", eol_kind)
    if draw(st.booleans()):
        lines += ["# Product Backlog 🚀", "", "Intro with a | pipe and 認証.", ""]
        bl.heading_lines.append(0)
    for s in range(1, draw(st.integers(1, max_sprints)) + 1):
        decor = draw(st.sampled_from(["", "✅ ", "🔄 ", "🔲 "]))
        count = draw(st.sampled_from(["", "", f" ({draw(st.integers(0, 9))} tickets)"]))
        status = draw(st.sampled_from(["", " — ACTIVE", " — COMPLETE"]))
        bl.heading_lines.append(len(lines))
        lines.append(f"## {decor}Sprint {s}: Theme {s}{count}{status}")
        lines.append("")
        table, model_col, cost_col, ncols = draw(_table(s))
        start = len(lines)
        lines += table
        bl.tables.append(
            TableInfo(start, list(range(start + 2, start + len(table))), model_col, cost_col, ncols)
        )
        if draw(st.booleans()):
            lines.append("")
            h, so, o = (draw(st.integers(0, 6)) for _ in range(3))
            total = max(h + so + o, 1)
            shape = draw(st.sampled_from(["full", "short", "bold", "decimals", "two"]))
            if shape == "full":
                dist = f"Distribution: {h} haiku ({100 * h // total}%) | {so} sonnet ({100 * so // total}%) | {o} opus ({100 * o // total}%)"
            elif shape == "short":
                dist = f"Distribution: {h} haiku, {so} sonnet, {o} opus"
            elif shape == "bold":
                dist = f"**Distribution:** {h} haiku ({100 * h // total}%) · {o} opus ({100 * o // total}%)"
            elif shape == "decimals":
                dist = f"Distribution: {h} haiku ({100 * h / total:.1f}%) | {so} sonnet ({100 * so / total:.1f}%)"
            else:
                dist = f"Distribution: {so} sonnet"
            bl.distribution_lines.append(len(lines))
            lines.append(dist)
        if draw(st.booleans()):
            lines += ["", draw(st.sampled_from(["Some prose.", "- a list item", "> a quote 🚀", "---"]))]
        lines.append("")
    if eol_kind == "mixed":
        ends = [draw(st.sampled_from(LINE_BREAKS)) for _ in lines]
        # "\r" then an empty line ending in "\n" would read as one CRLF break
        for i in range(len(ends) - 1):
            if ends[i] == "\r" and lines[i + 1] == "" and ends[i + 1].startswith("\n"):
                ends[i] = "\r\n"
    else:
        ends = [eol_kind] * len(lines)
    if draw(st.booleans()):
        ends[-1] = ""  # no final newline
    bl.text = "".join(a + b for a, b in zip(lines, ends))
    return bl
