-- Headless Neovim driver for tests/e2e/neovim/test_neovim.py.
--
-- Run as `nvim --headless --clean -u init.lua`. Everything it needs comes from
-- the environment:
--   TIERLINT_E2E_RTP      the clients/neovim directory (put on 'runtimepath')
--   TIERLINT_E2E_CMD      JSON list: the server command (e.g. [python, -m, tierlint, serve])
--   TIERLINT_E2E_SETTINGS optional JSON object merged into settings.tierlint
--   TIERLINT_E2E_ENCODINGS optional JSON list: the position encodings to offer
--   TIERLINT_E2E_FILE     the backlog to open
--   TIERLINT_E2E_OUT      where to write the JSON results
--   TIERLINT_E2E_TIMEOUT  milliseconds to wait for the server at each step
-- It always writes the results file (with an "error" key when a step failed)
-- and then quits; the exit code is 0 on success and 1 otherwise.

local env = vim.env
local timeout = tonumber(env.TIERLINT_E2E_TIMEOUT or '') or 20000
local results = { steps = {} }

local function step(name)
  table.insert(results.steps, name)
end

local function write_results()
  local f = assert(io.open(env.TIERLINT_E2E_OUT, 'w'))
  f:write(vim.json.encode(results))
  f:close()
end

-- The configuration under test, exactly as a user gets it.
vim.opt.runtimepath:prepend(env.TIERLINT_E2E_RTP)
vim.opt.swapfile = false
local set_level = (vim.lsp.log and vim.lsp.log.set_level) or vim.lsp.set_log_level
set_level('debug')

local override = { cmd = vim.json.decode(env.TIERLINT_E2E_CMD) }
if env.TIERLINT_E2E_SETTINGS and env.TIERLINT_E2E_SETTINGS ~= '' then
  override.settings = { tierlint = vim.json.decode(env.TIERLINT_E2E_SETTINGS) }
end
if env.TIERLINT_E2E_ENCODINGS and env.TIERLINT_E2E_ENCODINGS ~= '' then
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

local function request(client, method, params, bufnr)
  local resp, err = client:request_sync(method, params, timeout, bufnr)
  if not resp then
    error(method .. ' failed: ' .. tostring(err), 0)
  end
  if resp.err then
    error(method .. ' returned an error: ' .. vim.inspect(resp.err), 0)
  end
  return resp.result
end

-- Hover contents (MarkupContent, MarkedString or a list of them) as plain text.
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
  error('fixture has no line containing ' .. needle, 0)
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

local function run()
  step('open')
  vim.cmd.edit(vim.fn.fnameescape(env.TIERLINT_E2E_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  results.filetype = vim.bo[bufnr].filetype

  step('attach')
  local client
  wait(timeout, function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = 'tierlint' })[1]
    return client ~= nil and client.initialized
  end, 'the tierlint client to attach')
  results.offset_encoding = client.offset_encoding
  results.root_dir = client.root_dir
  results.server_info = client.server_info

  step('diagnostics')
  local last_change = vim.uv.now()
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    buffer = bufnr,
    callback = function()
      last_change = vim.uv.now()
    end,
  })
  -- Non-empty, and no further change for a quarter of a second.
  wait(timeout, function()
    return #vim.diagnostic.get(bufnr) > 0 and vim.uv.now() - last_change > 250
  end, 'diagnostics')
  results.diagnostics = snapshot_diagnostics(bufnr)

  step('hover')
  local row, col = line_of(bufnr, 'Implement JWT authentication middleware')
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding)
  results.hover = hover_text(request(client, 'textDocument/hover', pos, bufnr))

  step('codeLens')
  local lenses = request(client, 'textDocument/codeLens', { textDocument = { uri = uri } }, bufnr)
  results.code_lenses = {}
  for _, lens in ipairs(lenses or {}) do
    if not lens.command and client:supports_method('codeLens/resolve') then
      lens = request(client, 'codeLens/resolve', lens, bufnr)
    end
    table.insert(results.code_lenses, {
      lnum = lens.range.start.line,
      title = lens.command and lens.command.title,
    })
  end

  step('codeAction')
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
  local lsp_diag = target.user_data and target.user_data.lsp
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
      kind = action.kind,
      isPreferred = action.isPreferred or false,
      has_edit = action.edit ~= nil,
      command = type(action.command) == 'table' and action.command.command or action.command,
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
  results.applied_title = preferred.title
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

  step('diagnostics after fix')
  -- The edit goes to the server as didChange; TL003 must go away on that line.
  wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = target.lnum })) do
      if d.code == 'TL003' then
        return false
      end
    end
    return vim.uv.now() - last_change > 250
  end, 'TL003 to clear after the fix')
  results.diagnostics_after_fix = snapshot_diagnostics(bufnr)

  step('commands')
  results.commands = {}
  local provider = client.server_capabilities.executeCommandProvider
  results.advertised_commands = provider and provider.commands or {}
  for _, name in ipairs({ 'tierlint.server.report', 'tierlint.server.stats', 'tierlint.server.debugInfo' }) do
    local resp, err = client:request_sync(
      'workspace/executeCommand',
      { command = name, arguments = { uri } },
      timeout,
      bufnr
    )
    results.commands[name] = {
      ok = resp ~= nil and resp.err == nil,
      error = err or (resp and resp.err and vim.inspect(resp.err)) or vim.NIL,
      result = resp and resp.result or vim.NIL,
    }
  end

  step(':TierlintReport')
  local report_buf
  vim.cmd('TierlintReport')
  wait(timeout, function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_get_name(b):find('tierlint://report/', 1, true) then
        report_buf = b
        return true
      end
    end
    return false
  end, 'the report buffer')
  results.report_buffer = {
    lines = vim.api.nvim_buf_get_lines(report_buf, 0, -1, false),
    buftype = vim.bo[report_buf].buftype,
    filetype = vim.bo[report_buf].filetype,
    clients = #vim.lsp.get_clients({ bufnr = report_buf }),
  }
  vim.cmd('close')

  step(':TierlintFixAll')
  vim.api.nvim_set_current_buf(bufnr)
  local tick = vim.b[bufnr].changedtick
  vim.cmd('TierlintFixAll')
  wait(timeout, function()
    return vim.b[bufnr].changedtick ~= tick
  end, 'fixAll to change the buffer')
  vim.wait(250) -- let a multi-edit applyEdit finish
  results.lines_after_fix_all = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  step('shutdown')
  client:stop()
  results.stopped = vim.wait(5000, function()
    return client:is_stopped()
  end, 20)
  step('done')
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
    local wrote, werr = pcall(write_results)
    if not wrote then
      io.stderr:write('could not write results: ' .. tostring(werr) .. '\n')
    end
    vim.cmd(ok and wrote and 'qall!' or 'cquit! 1')
  end,
})
