-- Neovim's own LSP client on the file it was started with: start
-- `accord lsp`, wait for the diagnostics it publishes, write them to
-- $ACCORD_OUT as JSON (as Neovim holds them: 0-based lines, byte columns)
-- and quit. Run by tests/neovim.rs; written for Neovim 0.7 and later
-- (`vim.lsp.start_client`, as Debian's package is 0.7).
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = 'accord',
  cmd = { vim.env.ACCORD_BIN, 'lsp' },
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(buf, client)
vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 20)
local found = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(found, {
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = lsp.code or d.code or vim.NIL,
  })
end
vim.fn.writefile({ vim.fn.json_encode(found) }, vim.env.ACCORD_OUT)
vim.lsp.stop_client(client)
vim.cmd('qa!')
