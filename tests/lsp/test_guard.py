"""A failing handler is logged and answered empty; cancellation still cancels."""

from __future__ import annotations

import asyncio

import pytest

from tierlint.lsp.guard import guarded


class FakeServer:
    def __init__(self) -> None:
        self.logged: list[str] = []

    def log_error(self, what: str, exc: BaseException) -> None:
        self.logged.append(f"{what}: {exc}")


async def test_failure_is_logged_and_answered_empty() -> None:
    @guarded("code lens", list)
    async def handler(ls: FakeServer, params: object) -> list[int]:
        raise ValueError("boom")

    ls = FakeServer()
    assert await handler(ls, None) == []
    assert ls.logged == ["code lens failed: boom"]


async def test_cancellation_propagates() -> None:
    @guarded("hover")
    async def handler(ls: FakeServer) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await handler(FakeServer())
