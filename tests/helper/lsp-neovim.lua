-- Drives `kubectl-katib lsp` from Neovim's own LSP client (0.7 and later),
-- headless, for tests/t6310-lsp-neovim.bats.  Run as
--   nvim --headless --clean -u NONE -c 'luafile lsp-neovim.lua'
-- with, in the environment:
--   KATIB_BIN     the plugin binary
--   LSP_FILE      the Experiment to open
--   LSP_OUT       where to write what Neovim shows, one fact a line
--   LSP_HOVER     optional "LINE:COL" (1-based, code points) to hover on
--   LSP_COMPLETE  optional "LINE:COL" to complete at
--   LSP_FIX       optional rule id: apply its code action and :write
-- Exits 0, or 1 with the reason in LSP_OUT.

local out = assert(io.open(os.getenv('LSP_OUT'), 'w'))
local function say(s) out:write(s, '\n') end
local timeout = 60000

local function fail(msg)
  say('FAILED: ' .. msg)
  out:close()
  vim.cmd('cquit 1')
end

-- A 1-based line and code-point column to an LSP position (UTF-16).
local function position(spec)
  local l, c = spec:match('^(%d+):(%d+)$')
  l, c = tonumber(l), tonumber(c)
  local text = vim.api.nvim_buf_get_lines(0, l - 1, l, true)[1]
  local byte = vim.str_byteindex(text, c - 1)
  local _, utf16 = vim.str_utfindex(text, byte)
  return { line = l - 1, character = utf16 }
end

local function run()
  local file = os.getenv('LSP_FILE')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'katib',
    cmd = { os.getenv('KATIB_BIN'), 'lsp', '--no-config' },
    root_dir = vim.fn.getcwd(),
    init_options = {},
  })
  if not id then return fail('could not start the server') end
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(timeout, function() return client.initialized end, 20) then
    return fail('the server did not initialize')
  end

  -- Diagnostics, as vim.diagnostic holds them (byte columns).
  if not vim.wait(timeout, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
    return fail('no diagnostics')
  end
  local sev = { 'error', 'warning', 'info', 'hint' }
  say('diagnostics:')
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local text = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, true)[1]
    local cp = vim.str_utfindex(text, d.col)
    local lsp = d.user_data and d.user_data.lsp or {}
    say(string.format('%s:%d:%d: %s %s', file, d.lnum + 1, cp + 1,
                      sev[d.severity], lsp.code or d.code or '?'))
  end

  local where = os.getenv('LSP_HOVER')
  if where and where ~= '' then
    local r = client.request_sync('textDocument/hover', {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      position = position(where),
    }, timeout, buf)
    if not r or r.err then return fail('hover: ' .. vim.inspect(r)) end
    say('hover:')
    say(r.result and r.result.contents.value or 'none')
  end

  where = os.getenv('LSP_COMPLETE')
  if where and where ~= '' then
    local r = client.request_sync('textDocument/completion', {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      position = position(where),
    }, timeout, buf)
    if not r or r.err then return fail('completion: ' .. vim.inspect(r)) end
    say('completion:')
    local items = r.result.items or r.result
    for _, item in ipairs(items) do say(item.label) end
  end

  local rule = os.getenv('LSP_FIX')
  if rule and rule ~= '' then
    local diags = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(diags, d.user_data.lsp)
    end
    local r = client.request_sync('textDocument/codeAction', {
      textDocument = vim.lsp.util.make_text_document_params(buf),
      range = { start = { line = 0, character = 0 },
                ['end'] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } },
      context = { diagnostics = diags },
    }, timeout, buf)
    if not r or r.err then return fail('codeAction: ' .. vim.inspect(r)) end
    local chosen
    for _, a in ipairs(r.result) do
      for _, d in ipairs(a.diagnostics or {}) do
        if d.code == rule and not chosen then chosen = a end
      end
    end
    if not chosen then return fail('no code action for ' .. rule) end
    say('action: ' .. chosen.title)
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
    vim.cmd('write')
  end

  client.stop()
  vim.wait(timeout, function() return client.is_stopped() end, 20)
end

local ok, err = pcall(run)
if not ok then return fail(tostring(err)) end
out:close()
vim.cmd('qall!')
