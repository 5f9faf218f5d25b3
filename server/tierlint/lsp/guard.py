"""One place that keeps a failing handler from taking the server down: the
error goes to the client's log (window/logMessage) and the request gets an
empty answer."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def guarded(what: str, default: Callable[[], Any] | None = None) -> Callable[[F], F]:
    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        async def wrapper(ls: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(ls, *args, **kwargs)
            except Exception as exc:  # CancelledError is not an Exception: cancellation still works
                ls.log_error(f"{what} failed", exc)
                return default() if default is not None else None

        return wrapper  # type: ignore[return-value]

    return decorate
