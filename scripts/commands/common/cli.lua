-- Shared by the commands written in Lua: option parsing, money, dates, output.
local M = {}

-- Parse args against spec: { year = "value", ["dry-run"] = "flag", help = "flag" }.
-- Returns options, operands; on a bad option prints usage to stderr and returns nil.
function M.parse(args, spec, usage)
  local opts, operands, i = {}, {}, 1
  while i <= #args do
    local a = args[i]
    if a == "--" then
      for j = i + 1, #args do operands[#operands + 1] = args[j] end
      break
    elseif a == "-h" then
      opts.help = true
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^%-%-([%w%-]+)=(.*)$")
      name = name or a:sub(3)
      local kind = spec[name]
      if not kind then
        io.stderr:write("kam: unknown option '", a, "'\n", usage)
        return nil
      elseif kind == "flag" then
        opts[name] = true
      else
        if not value then
          i = i + 1
          value = args[i]
        end
        if value == nil then
          io.stderr:write("kam: option '--", name, "' needs a value\n", usage)
          return nil
        end
        opts[name] = value
      end
    else
      operands[#operands + 1] = a
    end
    i = i + 1
  end
  return opts, operands
end

-- Integer fen as yuan with thousands separators: 61234500 -> "612,345.00".
function M.yuan(fen)
  if fen == nil then return "-" end
  local sign = fen < 0 and "-" or ""
  local a = fen < 0 and -fen or fen
  local whole, cents = tostring(a // 100), a % 100
  whole = whole:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return string.format("%s%s.%02d", sign, whole, cents)
end

function M.last_year()
  return tonumber(os.date("%Y")) - 1
end

function M.today()
  return os.date("%Y-%m-%d")
end

function M.check_year(s)
  local y = tonumber(s)
  if not y or y ~= math.floor(y) or y < 1900 or y > 2999 then
    return nil, "year '" .. tostring(s) .. "' must be a year like 2025"
  end
  return math.tointeger(y)
end

function M.check_date(s)
  if type(s) ~= "string" or not s:match("^%d%d%d%d%-%d%d%-%d%d$") then
    return nil, "date '" .. tostring(s) .. "' must be YYYY-MM-DD"
  end
  local y, m, d = s:match("^(%d+)%-(%d+)%-(%d+)$")
  local t = os.time { year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }
  if os.date("%Y-%m-%d", t) ~= s then
    return nil, "date '" .. s .. "' is not a real day"
  end
  return s
end

function M.check_code(s)
  if type(s) ~= "string" or not s:match("^[1-9]%d%d%d%d%d%d%d%d%d%d%d%d%d$") then
    return nil, "customer code '" .. tostring(s) .. "' must be 14 digits"
  end
  return s
end

-- A usage error: message and usage on stderr, exit status 2.
function M.usage_error(msg, usage)
  io.stderr:write("kam: ", msg, "\n", usage)
  return 2
end

function M.now_utc()
  return os.date("!%Y-%m-%dT%H:%M:%SZ")
end

-- Print an aligned table with kam.format when the plugin is there, else tab-separated.
function M.table(rows, opts)
  local ok, format = pcall(require, "kam.format")
  if ok then
    io.write(format.text(rows, opts))
  else
    local cols = opts.columns
    for _, r in ipairs(rows) do
      local cells = {}
      for i, c in ipairs(cols) do cells[i] = tostring(r[c] == nil and "" or r[c]) end
      io.write(table.concat(cells, "\t"), "\n")
    end
  end
end

return M
