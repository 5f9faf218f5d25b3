-- Headless Neovim driver for tests/e2e/neovim/test_neovim.py.
--
-- Run as `nvim --headless --clean -u init.lua`. Everything it needs comes from
-- the environment:
--   TIERLINT_E2E_RTP       the clients/neovim directory (put on 'runtimepath')
--   TIERLINT_E2E_CMD       JSON list: the server command (e.g. [python, -m, tierlint, serve])
--   TIERLINT_E2E_FILE      the backlog to open
--   TIERLINT_E2E_OUT       where to write the JSON results
--   TIERLINT_E2E_TIMEOUT   milliseconds to wait for the server at each step
--   TIERLINT_E2E_SETTINGS  optional JSON object merged into settings.tierlint
--   TIERLINT_E2E_ENCODINGS optional JSON list: the position encodings to offer
--   TIERLINT_E2E_STEPS     optional comma-separated steps to run after the
--                          diagnostics (default: all, in the order below)
-- It always writes the results file and then quits. Opening the file, the
-- client attaching and the first diagnostics are required: if one fails, the
-- results have an "error" key and the exit code is 1. Each later step runs on
-- its own; its failure is recorded under "errors"[step] and the rest go on.

local env = vim.env
local timeout = tonumber(env.TIERLINT_E2E_TIMEOUT or '') or 20000
local results = { steps = {}, errors = vim.empty_dict(), notifications = {} }

-- What the configuration shows the user (e.g. a failed server command).
vim.notify = function(msg, level)
  table.insert(results.notifications, { message = tostring(msg), level = level or vim.log.levels.INFO })
end

-- The configuration under test, exactly as a user gets it.
vim.opt.runtimepath:prepend(env.TIERLINT_E2E_RTP)
vim.opt.swapfile = false
vim.lsp.log.set_level('debug')

local override = { cmd = vim.json.decode(env.TIERLINT_E2E_CMD) }
if (env.TIERLINT_E2E_SETTINGS or '') ~= '' then
  override.settings = { tierlint = vim.json.decode(env.TIERLINT_E2E_SETTINGS) }
end
if (env.TIERLINT_E2E_ENCODINGS or '') ~= '' then
  override.capabilities =
    { general = { positionEncodings = vim.json.decode(env.TIERLINT_E2E_ENCODINGS) } }
end
vim.lsp.config('tierlint', override)
vim.lsp.enable('tierlint')

local function wait(ms, cond, what)
  if not vim.wait(ms, cond, 20) then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 0)
  end
end

--- Waits for `cond`, but fails at once when the configuration reports an error.
local function wait_or_notified(cond, what)
  local seen = #results.notifications
  wait(timeout, function()
    for i = seen + 1, #results.notifications do
      local n = results.notifications[i]
      if n.level >= vim.log.levels.WARN then
        error(what .. ': ' .. n.message, 0)
      end
    end
    return cond()
  end, what)
end

local function request(client, method, params, bufnr)
  local resp, err = client:request_sync(method, params, timeout, bufnr)
  if not resp then
    error(method .. ' failed: ' .. tostring(err), 0)
  end
  if resp.err then
    error(method .. ' returned an error: ' .. (resp.err.message or vim.inspect(resp.err)), 0)
  end
  return resp.result
end

-- Hover contents (MarkupContent, MarkedString or a list of them) as text.
local function hover_text(result)
  if not result or not result.contents then
    return nil
  end
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  return table.concat(lines, '\n')
end

local function line_of(bufnr, needle)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = text:find(needle, 1, true)
    if col then
      return i - 1, col - 1 -- 0-based line, 0-based byte column
    end
  end
  error('the file has no line containing ' .. needle, 0)
end

local function snapshot_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      code = d.code,
      source = d.source,
      severity = d.severity,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      message = d.message,
    })
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  return out
end

-- Shared between the steps.
local bufnr, uri, client
local last_change = 0

--- Diagnostics have changed and then stayed the same for a quarter of a second.
local function settled()
  return last_change > 0 and vim.uv.now() - last_change > 250
end

local function setup()
  table.insert(results.steps, 'open')
  vim.cmd.edit(vim.fn.fnameescape(env.TIERLINT_E2E_FILE))
  bufnr = vim.api.nvim_get_current_buf()
  uri = vim.uri_from_bufnr(bufnr)
  results.filetype = vim.bo[bufnr].filetype
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    buffer = bufnr,
    callback = function()
      last_change = vim.uv.now()
      if not results.first_diagnostics and #vim.diagnostic.get(bufnr) > 0 then
        results.first_diagnostics = snapshot_diagnostics(bufnr)
      end
    end,
  })

  table.insert(results.steps, 'attach')
  wait_or_notified(function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = 'tierlint' })[1]
    return client ~= nil and client.initialized
  end, 'the tierlint client to attach')
  results.offset_encoding = client.offset_encoding
  results.root_dir = client.root_dir
  results.server_info = client.server_info
  local provider = client.server_capabilities.executeCommandProvider
  results.advertised_commands = provider and provider.commands or {}

  table.insert(results.steps, 'diagnostics')
  wait_or_notified(function()
    return #vim.diagnostic.get(bufnr) > 0 and settled()
  end, 'diagnostics')
  results.diagnostics = snapshot_diagnostics(bufnr)
end

local steps = {}
local order = {}
local function define(name, fn)
  steps[name] = fn
  table.insert(order, name)
end

define('hover', function()
  local row, col = line_of(bufnr, 'Implement JWT authentication middleware')
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding)
  results.hover = hover_text(request(client, 'textDocument/hover', pos, bufnr))
end)

define('codeLens', function()
  local lenses = request(client, 'textDocument/codeLens', { textDocument = { uri = uri } }, bufnr)
  results.code_lenses = {}
  for _, lens in ipairs(lenses or {}) do
    table.insert(results.code_lenses, {
      lnum = lens.range.start.line,
      title = lens.command and lens.command.title or vim.NIL,
    })
  end
end)

define('codeAction', function()
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'TL003' then
      target = d
      break
    end
  end
  if not target then
    error('no TL003 diagnostic to fix', 0)
  end
  local lsp_diag = target.user_data.lsp
  results.fix_lnum = target.lnum
  results.line_before_fix = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, true)[1]
  local actions = request(client, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' }, triggerKind = 1 },
  }, bufnr) or {}
  results.code_actions = {}
  local preferred
  for _, action in ipairs(actions) do
    table.insert(results.code_actions, {
      title = action.title,
      kind = action.kind or vim.NIL,
      isPreferred = action.isPreferred or false,
      has_edit = action.edit ~= nil,
    })
    if action.isPreferred and not preferred then
      preferred = action
    end
  end
  if not preferred then
    error('no preferred quick fix among ' .. #actions .. ' code actions', 0)
  end
  if not preferred.edit and client:supports_method('codeAction/resolve') then
    preferred = request(client, 'codeAction/resolve', preferred, bufnr)
  end
  if preferred.edit then
    vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  end
  if type(preferred.command) == 'table' then
    local done = false
    client:exec_cmd(preferred.command, { bufnr = bufnr }, function()
      done = true
    end)
    wait(timeout, function()
      return done
    end, 'the quick fix command')
  end
  results.line_after_fix = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, true)[1]

  -- The edit reaches the server as didChange; TL003 must go away on that line.
  last_change = 0
  wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = target.lnum })) do
      if d.code == 'TL003' then
        return false
      end
    end
    return settled()
  end, 'TL003 to clear after the fix')
  results.diagnostics_after_fix = snapshot_diagnostics(bufnr)
end)

-- The way a user does it: from the start of the migration row, `]d` to its
-- diagnostic (TL004, on the Model cell), then apply the preferred quick fix.
define('preferredAtCursor', function()
  local row = line_of(bufnr, 'Create orders table migration')
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  vim.diagnostic.jump({ count = 1 })
  local cursor = vim.api.nvim_win_get_cursor(0)
  results.cursor_after_jump = { cursor[1] - 1, cursor[2] }
  local tick = vim.b[bufnr].changedtick
  last_change = 0
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.isPreferred
    end,
  })
  wait_or_notified(function()
    return vim.b[bufnr].changedtick ~= tick
  end, 'the preferred quick fix at the cursor')
  results.line_after_preferred = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  wait(timeout, settled, 'diagnostics after the quick fix')
end)

define('commands', function()
  results.commands = {}
  for _, name in ipairs({ 'tierlint.server.report', 'tierlint.server.stats', 'tierlint.server.debugInfo' }) do
    local resp, err = client:request_sync(
      'workspace/executeCommand',
      { command = name, arguments = { uri } },
      timeout,
      bufnr
    )
    results.commands[name] = {
      ok = resp ~= nil and resp.err == nil,
      error = err or (resp and resp.err and resp.err.message) or vim.NIL,
      result = resp and resp.result or vim.NIL,
    }
  end
end)

define(':TierlintReport', function()
  local report_buf
  vim.cmd('TierlintReport')
  wait_or_notified(function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_get_name(b):find('tierlint://report/', 1, true) then
        report_buf = b
        return true
      end
    end
    return false
  end, ':TierlintReport')
  results.report_buffer = {
    lines = vim.api.nvim_buf_get_lines(report_buf, 0, -1, false),
    buftype = vim.bo[report_buf].buftype,
    filetype = vim.bo[report_buf].filetype,
    modifiable = vim.bo[report_buf].modifiable,
    clients = #vim.lsp.get_clients({ bufnr = report_buf }),
  }
  vim.cmd('close')
end)

define(':TierlintFixAll', function()
  vim.api.nvim_set_current_buf(bufnr)
  local tick = vim.b[bufnr].changedtick
  last_change = 0
  vim.cmd('TierlintFixAll')
  wait_or_notified(function()
    return vim.b[bufnr].changedtick ~= tick
  end, ':TierlintFixAll')
  wait(timeout, settled, 'diagnostics after fix all')
  results.lines_after_fix_all = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  results.diagnostics_after_fix_all = snapshot_diagnostics(bufnr)
end)

define('shutdown', function()
  client:stop()
  results.stopped = vim.wait(5000, function()
    return client:is_stopped()
  end, 20)
end)

local function run()
  setup()
  local wanted = order
  if (env.TIERLINT_E2E_STEPS or '') ~= '' then
    wanted = vim.split(env.TIERLINT_E2E_STEPS, ',', { trimempty = true })
  end
  for _, name in ipairs(wanted) do
    table.insert(results.steps, name)
    local ok, err = pcall(steps[name])
    if not ok then
      results.errors[name] = tostring(err)
    end
  end
  table.insert(results.steps, 'done')
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  nested = true, -- so that :edit fires BufRead and FileType, which start the client
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    if not ok then
      results.error = tostring(err)
    end
    results.lsp_log = vim.lsp.log.get_filename()
    local wrote, werr = pcall(function()
      local f = assert(io.open(env.TIERLINT_E2E_OUT, 'w'))
      f:write(vim.json.encode(results))
      f:close()
    end)
    if not wrote then
      io.stderr:write('could not write the results: ' .. tostring(werr) .. '\n')
    end
    vim.cmd(ok and wrote and 'qall!' or 'cquit! 1')
  end,
})
