"""Every test run keeps tierlint's rule cache in a folder of its own, so the
suite neither reads nor writes the user's cache (subprocesses inherit it)."""

from __future__ import annotations

import os
import tempfile

os.environ["TIERLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="tierlint-cache-")
