"""Big answers (diagnostics of a 10,000-ticket backlog: megabytes of JSON) are
built from per-diagnostic JSON strings cached across edits, and written as-is.

pygls would otherwise unstructure every diagnostic through cattrs on every pull,
which costs more than analysing the edit. `RawJSON` marks a result or a
notification's params that is already JSON; `TierlintProtocol._send_data` writes
such a message itself and leaves every other message to pygls.
"""

from __future__ import annotations

import json
from typing import Any


class RawJSON:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        return True


def message_body(data: Any) -> str | None:
    """The JSON text of a response or notification that carries RawJSON, else None."""
    result = getattr(data, "result", None)
    if isinstance(result, RawJSON):
        return f'{{"id": {json.dumps(data.id)}, "jsonrpc": "2.0", "result": {result.text}}}'
    params = getattr(data, "params", None)
    if isinstance(params, RawJSON):
        return f'{{"method": {json.dumps(data.method)}, "jsonrpc": "2.0", "params": {params.text}}}'
    return None
