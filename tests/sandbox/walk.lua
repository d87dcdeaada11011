-- Untrusted: lists everything a sandboxed chunk can reach from its environment, one
-- "name type" per line, sorted; metatables as "name <metatable> type", the string
-- metatable as "<string metatable> type".  Used by tests/cli/sandbox.sh against
-- tests/fixtures/sandbox-allowlist.txt.
local M = {}

function M.list()
  local seen, out = {}, {}
  local function walk(prefix, t)
    seen[t] = true
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do
      local v = t[k]
      local name = prefix == "" and tostring(k) or prefix .. "." .. tostring(k)
      out[#out + 1] = name .. " " .. type(v)
      if type(v) == "table" and not seen[v] then walk(name, v) end
    end
    local mt = getmetatable(t)
    if mt ~= nil then
      out[#out + 1] = (prefix == "" and "_ENV" or prefix) .. " <metatable> " .. type(mt)
      if type(mt) == "table" and not seen[mt] then walk(prefix .. "<metatable>", mt) end
    end
  end
  walk("", _ENV)
  local smt = getmetatable("")
  out[#out + 1] = "<string metatable> " .. type(smt)
  if type(smt) == "table" then walk("<string metatable>", smt) end
  table.sort(out)
  return table.concat(out, "\n")
end

return M
