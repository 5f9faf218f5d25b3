"""Generate a realistic sprint backlog of N tickets, deterministically.

    python benchmarks/generate.py --tickets 10000 --seed 1 -o out.md

The output looks like the backlogs tierlint is written for: sprints of about 20
tickets under emoji/status headings, `| # | Ticket | Status | Owner | Model |`
tables (some with a Cost Tier column, some aligned and padded), ticket texts
built from many verbs x subjects x qualifiers, owners, Model cells that are
right, wrong, empty, `TBD`, Capitalised or gpt names, `Distribution:` lines,
`(N tickets)` headings, and prose, rules and fenced code between sprints.

The same (tickets, seed) always gives the same bytes. 10,000 tickets make about
875 KB and 13,000 lines. `--distinct` gives every ticket its own text (a
qualifier and a reference number), so nothing can be reused by text.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# -- vocabulary ------------------------------------------------------------------

ENTITIES = [
    "user",
    "product",
    "order",
    "invoice",
    "coupon",
    "cart",
    "shipment",
    "warehouse",
    "review",
    "session",
    "plan",
    "alert",
    "report",
    "tenant",
    "team",
    "comment",
    "tag",
    "category",
    "address",
    "supplier",
    "price",
    "wishlist",
    "refund",
    "event",
    "stock",
    "customer",
    "vendor",
    "project",
    "task",
    "attachment",
]
WIDGETS = ["List", "Card", "Form", "Table", "Modal", "Summary", "Detail", "Picker", "Badge", "Filters"]
PAGES = [
    "checkout",
    "profile",
    "settings",
    "dashboard",
    "landing",
    "search",
    "admin",
    "onboarding",
    "order history",
]
FLOWS = [
    "checkout",
    "signup",
    "onboarding",
    "refund",
    "order fulfilment",
    "password reset",
    "invite",
    "export",
]
AREAS = [
    "search",
    "caching",
    "alert",
    "reporting",
    "multi-tenant data",
    "event",
    "file storage",
    "pricing",
    "sync",
    "analytics",
    "permissions",
    "import pipeline",
]
TOOLS = [
    "eslint",
    "prettier",
    "tsconfig",
    "docker-compose",
    "nginx",
    "renovate",
    "editorconfig",
    "jest",
    "vite",
]
VENDORS = [
    "Algolia",
    "Elasticsearch",
    "Meilisearch",
    "Typesense",
    "Redis",
    "Memcached",
    "Kafka",
    "RabbitMQ",
    "SQS",
]
PROVIDERS = ["Stripe", "PayPal", "Adyen", "Braintree"]
SERVICES = ["Service", "Repository", "Controller", "Worker", "Validator", "Handler", "Store"]
COLUMNS = ["status", "created_by", "archived_at", "slug", "priority", "external_id", "locale", "due_date"]

# (category, owners, templates). Placeholders: {E} CamelCase entity, {e} words,
# {es} plural words, {t} snake_case table, {W} widget, {S} service suffix, {p} page,
# {f} flow, {a} area, {tool}, {v1}/{v2} vendors, {pay} payment provider, {c} column.
CATEGORIES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "migration",
        ("DB",),
        (
            "Create {t} table migration",
            "Add {c} column to {t}",
            "Create {es} table",
            "Add index on {t}.{c}",
            "Write migration for {t} table",
            "Alter table {t} to add {c}",
        ),
    ),
    (
        "endpoint",
        ("Backend",),
        (
            "Create GET /{t}s endpoint",
            "Implement {E} CRUD endpoint",
            "Add POST /{t}s/{{id}} route",
            "Build {e} REST API",
            "Expose {e} search endpoint",
            "Add DELETE /{t}s/{{id}} endpoint",
        ),
    ),
    (
        "component",
        ("Frontend",),
        (
            "Build {E}{W} component",
            "Create {e} detail page",
            "Implement {p} page layout",
            "Add {E}{W} modal",
            "Build {p} dashboard widget",
        ),
    ),
    (
        "tests",
        ("QA",),
        (
            "Write tests for {E}{S}",
            "Add integration tests for {f} flow",
            "Write e2e tests for {f}",
            "Extend {e} unit tests",
            "Add {p} regression tests",
        ),
    ),
    (
        "design",
        ("Backend", "Product", "DB"),
        (
            "Design {a} architecture",
            "Write design doc for {a}",
            "Plan the migration strategy for {es}",
            "Design the data model for {es}",
        ),
    ),
    (
        "implement-design",
        ("Backend", "Frontend"),
        (
            "Implement {a} architecture",
            "Build {a} architecture",
            "Implement {e} sync per the {a} design",
        ),
    ),
    (
        "debug",
        ("Backend", "Frontend", "QA"),
        (
            "Debug slow {e} queries",
            "Investigate flaky {f} test",
            "Fix memory leak in {E}{S}",
            "Root cause {p} crash",
            "Troubleshoot {e} timeouts",
        ),
    ),
    (
        "research",
        ("Product", "Backend"),
        (
            "Research {a} options",
            "Evaluate {v1} vs {v2}",
            "Compare {v1} and {v2} for {a}",
            "Spike on {a} feasibility",
        ),
    ),
    (
        "seed",
        ("DB", "Backend"),
        ("Create {e} seed data", "Write seed script for {es}", "Add demo data for {p} page"),
    ),
    (
        "config",
        ("DevOps",),
        (
            "Add {tool} config file",
            "Configure {e} environment variables",
            "Add .env.example for {e} service",
            "Update {tool} configuration",
            "Add feature flag for {f}",
        ),
    ),
    (
        "docs",
        ("Backend", "Frontend", "Product"),
        (
            "Document {e} API",
            "Update README quick start",
            "Write {f} user guide",
            "Add JSDoc to {E}{S}",
            "Update changelog for {a} release",
        ),
    ),
    (
        "security",
        ("Backend",),
        (
            "Implement {pay} payment integration",
            "Add JWT authentication middleware",
            "Harden password reset flow",
            "Add RBAC permissions to {p} page",
            "Encrypt {e} PII at rest",
            "Handle {pay} refund webhooks",
            "Add rate limiting to login endpoint",
        ),
    ),
    (
        "state",
        ("Frontend", "Backend"),
        (
            "Implement {f} state machine",
            "Build real-time {e} updates",
            "Add offline sync for {es}",
            "Implement {e} ranking algorithm",
            "Add undo/redo to {p} editor",
        ),
    ),
    (
        "service",
        ("Backend",),
        (
            "Implement {E}{S}",
            "Add {e} pagination",
            "Send {e} notification emails",
            "Add {e} CSV export",
            "Add caching to {E}{S}",
        ),
    ),
    (
        "ci",
        ("DevOps",),
        (
            "Set up CI pipeline for {e} service",
            "Add GitHub Actions deploy workflow",
            "Add canary deploy for {p}",
        ),
    ),
    (
        "chore",
        ("Frontend", "Backend", "DevOps"),
        ("Fix typo in {p} page", "Bump dependencies", "Rename {E}{S} to {E}Manager", "Update favicon"),
    ),
]
# How often each category appears (same order as CATEGORIES).
WEIGHTS = [9, 11, 11, 9, 3, 2, 4, 3, 4, 6, 5, 5, 3, 9, 3, 3]
QUALIFIERS = [
    " (POC)",
    " for admin panel",
    " for mobile",
    " v2",
    " (phase 2)",
    " — follow-up",
    " behind feature flag",
    " for EU region",
    " per existing pattern",
    " (critical)",
    " with pagination",
    " for the {p} page",
]
# The tier a careful human would pick for each category, most of the time.
TYPICAL = {
    "migration": "haiku",
    "endpoint": "sonnet",
    "component": "sonnet",
    "tests": "sonnet",
    "design": "opus",
    "implement-design": "sonnet",
    "debug": "opus",
    "research": "opus",
    "seed": "haiku",
    "config": "haiku",
    "docs": "haiku",
    "security": "opus",
    "state": "opus",
    "service": "sonnet",
    "ci": "sonnet",
    "chore": "haiku",
}
TIERS = ["haiku", "sonnet", "opus"]
GPT = {
    "haiku": ["gpt-4o-mini", "gpt-3.5-turbo"],
    "sonnet": ["gpt-4o", "gpt-4-turbo"],
    "opus": ["gpt-4", "gpt-4.5"],
}
COST = {"haiku": "$", "sonnet": "$$", "opus": "$$$"}
THEMES = [
    "Payments",
    "Accounts",
    "Checkout",
    "Search",
    "Notifications",
    "Onboarding",
    "Reporting",
    "Inventory",
    "Shipping",
    "Admin Console",
    "Mobile App",
    "Analytics",
    "Billing",
    "Catalog",
    "Reviews",
    "Messaging",
    "Integrations",
    "Performance",
    "Hardening",
    "Localization",
    "Data Platform",
    "Observability",
    "Growth",
    "Foundation",
    "Subscriptions",
]
PROSE = [
    "**Goal:** ship the {a} work behind a flag and measure adoption before the next planning session.",
    "Carry-over from the previous sprint is marked in the table; the {e} tickets were re-estimated.",
    "> Note: tickets touching {pay} need a security review before merge.",
    "Retro: the {f} flow slipped because the {e} fixtures were missing. See the notes below.",
    "Dependencies: the {E}{S} must land before the {p} page work starts.",
]
CODE = [
    ("bash", ["# run the {e} migrations", "make migrate", "make seed ENV=staging | tee seed.log"]),
    ("json", ['{{"model": "sonnet", "ticket": "{e}"}}', '{{"tier": "$$"}}']),
    ("sql", ["-- {t} backfill", "UPDATE {t} SET {c} = NULL WHERE {c} = '';", "# not a heading"]),
    ("", ["| # | Ticket | Model |", "|---|---|---|", "| 0 | example row inside a code block | opus |"]),
]


def _words(e: str) -> str:
    return e.replace("_", " ")


def _camel(e: str) -> str:
    return "".join(p.capitalize() for p in e.split("_"))


class Generator:
    def __init__(self, seed: int, distinct: bool = False) -> None:
        self.rng = random.Random(seed)
        # every ticket text different: memos keyed by text then never hit
        self.distinct = distinct
        self.made = 0

    def fill(self, template: str) -> str:
        r = self.rng
        e = r.choice(ENTITIES)
        v1, v2 = r.sample(VENDORS, 2)
        return template.format(
            E=_camel(e),
            e=_words(e),
            es=_words(e) + "s",
            t=e,
            W=r.choice(WIDGETS),
            S=r.choice(SERVICES),
            p=r.choice(PAGES),
            f=r.choice(FLOWS),
            a=r.choice(AREAS),
            tool=r.choice(TOOLS),
            v1=v1,
            v2=v2,
            pay=r.choice(PROVIDERS),
            c=r.choice(COLUMNS),
        )

    def ticket(self) -> tuple[str, str, str]:
        """(text, owner, the tier its author meant)."""
        r = self.rng
        category, owners, templates = r.choices(CATEGORIES, WEIGHTS)[0]
        text = self.fill(r.choice(templates))
        if r.random() < 0.15:
            text += self.fill(r.choice(QUALIFIERS))
        if self.distinct:
            self.made += 1
            text += f" ({r.choice(AREAS)} {r.choice(ENTITIES).replace('_', ' ')}, ref {self.made})"
        owner = r.choice(owners)
        if r.random() < 0.01:
            owner = ""
        tier = TYPICAL[category]
        if r.random() < 0.22:  # a human's judgement, not a rule's
            tier = r.choice(TIERS)
        return text, owner, tier

    def model_cell(self, tier: str, style: str) -> str:
        r = self.rng
        x = r.random()
        if x < 0.04:
            return ""
        if x < 0.07:
            return "TBD"
        if style == "gpt":
            return r.choice(GPT[tier])
        if style == "capital" or x < 0.12:
            return tier.capitalize()
        if x < 0.125:
            return {"haiku": "haku", "sonnet": "sonet", "opus": "opus"}[tier]  # a typo
        if x < 0.14:
            return {"haiku": "claude-3-5-haiku", "sonnet": "claude-sonnet-4", "opus": "claude-opus-4"}[tier]
        return tier

    def sprint(self, number: int, size: int, out: list[str]) -> int:
        r = self.rng
        theme = r.choice(THEMES)
        state = r.choices(["done", "active", "planned"], [5, 2, 4])[0]
        emoji, label = {
            "done": ("✅", "COMPLETE"),
            "active": ("🔄", "ACTIVE"),
            "planned": ("🔲", "PLANNED"),
        }[state]
        count = ""
        if r.random() < 0.3:
            declared = size if r.random() < 0.85 else size + r.choice([-2, -1, 1, 3])
            count = f" ({declared} tickets)"
        form = r.random()
        if form < 0.55:
            heading = f"## {emoji} Sprint {number}: {theme}{count} — {label}"
        elif form < 0.7:
            heading = f"## Sprint {number}: {theme}{count}"
        elif form < 0.8:
            heading = f"## {emoji} Sprint {number} - {theme}{count}"
        elif form < 0.9:
            heading = f"### Sprint {number} — {theme}{count} — {label}"
        else:
            heading = f"## 🚧 Iteration {number}: {theme}{count}"
        out += [heading, ""]
        if r.random() < 0.12:
            out += [self.fill(r.choice(PROSE)), ""]

        style = r.choices(["plain", "capital", "gpt"], [90, 6, 4])[0]
        cost_column = r.random() < 0.2
        header = ["#", "Ticket", "Status", "Owner", "Model"] + (["Cost Tier"] if cost_column else [])
        rows = []
        counts = {"haiku": 0, "sonnet": 0, "opus": 0}
        for i in range(1, size + 1):
            text, owner, tier = self.ticket()
            if state == "done":
                status = "✅ Done"
            elif state == "planned":
                status = "🔲 Todo"
            else:
                status = r.choices(["✅ Done", "🔄 In Progress", "🔲 Todo", "🧪 QA Review"], [3, 3, 4, 1])[0]
            model = self.model_cell(tier, style)
            row = [f"{number}.{i}", text, status, owner, model]
            if cost_column:
                row.append(COST[tier] if model else "")
            rows.append(row)
            if model and model != "TBD":
                counts[tier] += 1
        out += _table(header, rows, aligned=r.random() < 0.15)
        out.append("")
        if r.random() < 0.25:
            total = sum(counts.values()) or 1
            if r.random() < 0.15:  # stale: someone changed a cell since
                counts["sonnet"] += 1
            parts = [f"{counts[t]} {t} ({round(100 * counts[t] / total)}%)" for t in TIERS]
            out += ["Distribution: " + " | ".join(parts), ""]
        return size

    def between(self, out: list[str]) -> None:
        r = self.rng
        x = r.random()
        if x < 0.05:
            lang, lines = r.choice(CODE)
            out += [f"```{lang}", *(self.fill(line) for line in lines), "```", ""]
        elif x < 0.13:
            out += [self.fill(r.choice(PROSE)), ""]
        elif x < 0.25:
            out += ["---", ""]

    def document(self, tickets: int) -> str:
        r = self.rng
        out = [
            "# Storefront — Product Backlog",
            "",
            "Every ticket names the model tier it runs on. Generated for benchmarks.",
            "",
            "## Status Legend",
            "",
            "| Emoji | Status | Meaning |",
            "|-------|--------|---------|",
            "| 🔲 | Todo | Not started |",
            "| 🔄 | In Progress | Being worked on |",
            "| ✅ | Done | Tested and verified |",
            "",
        ]
        left = tickets
        number = 0
        while left > 0:
            size = min(left, r.randint(18, 26))
            if 0 < left - size < 8:
                size = left
            number += 1
            if number > 1 and r.random() < 0.04:
                out += [f"# Phase {number // 25 + 1}", ""]
            left -= self.sprint(number, size, out)
            self.between(out)
        return "\n".join(out).rstrip("\n") + "\n"


def _table(header: list[str], rows: list[list[str]], aligned: bool) -> list[str]:
    if not aligned:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * (len(h) + 2) for h in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return [line.replace("|  |", "| |") for line in lines]
    widths = [max(3, len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
        "| " + " | ".join("-" * w for w in widths) + " |",
    ]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    return lines


def generate(tickets: int = 10_000, seed: int = 1, distinct: bool = False) -> str:
    """A backlog of exactly `tickets` ticket rows; with `distinct`, no two
    ticket texts alike (10,000 plain tickets have 3,883 different texts)."""
    return Generator(seed, distinct).document(tickets)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=10_000, help="ticket rows (default 10000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--distinct", action="store_true", help="no two ticket texts alike")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    args = p.parse_args(argv)
    text = generate(args.tickets, args.seed, args.distinct)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
