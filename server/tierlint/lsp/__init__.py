"""The language server: a thin layer that translates engine results into LSP.

One module per LSP feature; `server.py` wires them together. Nothing here
analyses markdown: every answer comes from the engine's cached `Analysis`.
"""
