-- tierlint language server configuration for Neovim 0.11+.
--
-- Put `clients/neovim` on 'runtimepath' (or copy this file to
-- `~/.config/nvim/lsp/tierlint.lua`) and enable it:
--
--   vim.lsp.enable('tierlint')
--
-- Override any field with `vim.lsp.config('tierlint', { ... })`; tables are
-- merged, so `settings = { tierlint = { run = 'onSave' } }` keeps the other
-- defaults.

local settings = {
  -- Rule codes or prefixes to enable, e.g. { 'TL0' } for the ticket rules TL0xx. Empty: all.
  select = {},
  -- Rule codes or prefixes to disable.
  ignore = {},
  -- Per-code severity: "error" | "warning" | "information" | "hint" | "off".
  -- vim.empty_dict() so that an empty map is sent as a JSON object.
  severity = vim.empty_dict(),
  -- Ticket-count and cost lenses above each sprint table.
  codeLens = true,
  -- The recommended tier shown after each Model cell.
  inlayHints = false,
  -- "onType" (lint every change) or "onSave".
  run = 'onType',
  -- Files larger than this many bytes are not linted.
  maxFileSize = 2000000,
}

--- Runs a tierlint server command on the buffer's document.
---@param client vim.lsp.Client
---@param bufnr integer
---@param command string
---@param on_result? fun(result: any)
local function server_command(client, bufnr, command, on_result)
  local params = { command = command, arguments = { vim.uri_from_bufnr(bufnr) } }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify(('tierlint: %s failed: %s'):format(command, err.message), vim.log.levels.ERROR)
    elseif on_result then
      on_result(result)
    end
  end, bufnr)
end

--- Shows markdown in a scratch buffer below the current window; `q` closes it.
---@param text string
local function show_markdown(text)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  -- buftype before filetype, so that no language server attaches to it
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_name(buf, 'tierlint://report/' .. buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'markdown'
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true })
end

---@type vim.lsp.Config
return {
  cmd = { 'tierlint', 'serve' },
  filetypes = { 'markdown' },
  root_markers = { 'tierlint.toml', '.tierlint.toml', 'pyproject.toml', '.git' },
  settings = { tierlint = settings },
  -- The server also reads `initializationOptions` (the same `tierlint` section),
  -- so that the very first diagnostics already follow your settings. They are
  -- filled from `settings` at start, after your overrides are merged in; set
  -- `init_options` yourself to send something else.
  before_init = function(params, config)
    if params.initializationOptions == nil and config.settings then
      params.initializationOptions = { tierlint = config.settings.tierlint }
    end
  end,
  on_attach = function(client, bufnr)
    vim.api.nvim_buf_create_user_command(bufnr, 'TierlintReport', function()
      server_command(client, bufnr, 'tierlint.server.report', function(result)
        if type(result) ~= 'string' or result == '' then
          local msg = 'tierlint: no report for this file (no ticket table, or too large)'
          vim.notify(msg, vim.log.levels.WARN)
          return
        end
        show_markdown(result)
      end)
    end, { desc = 'tierlint: show the sprint report of this file' })
    vim.api.nvim_buf_create_user_command(bufnr, 'TierlintFixAll', function()
      server_command(client, bufnr, 'tierlint.server.fixAll')
    end, { desc = 'tierlint: apply every fix in this file' })
  end,
}
