-- Shared by the commands written in Lua: option parsing, money, dates, output.
local M = {}

-- The command being run: kam runs scripts/commands/NAME.lua with arg[0] = NAME.
local function command()
  return (arg and arg[0]) or "kam"
end

-- A usage error, as every kam command reports one: "kam CMD: MSG" and the usage on
-- stderr; with --json the error document {"error": "CMD: MSG", "status": 2} on stdout.
-- Returns 2, the exit status.
local function usage_error(msg, usage)
  io.stderr:write("kam ", command(), ": ", msg, "\n", usage or "")
  if kam.output_json then
    io.stdout:write(kam.json.encode({ error = command() .. ": " .. msg, status = 2 }, { indent = 2, sort_keys = true }),
      "\n")
  end
  return 2
end

-- Parse args against spec: { year = "value", ["dry-run"] = "flag", help = "flag" }.
-- Returns options, operands; on a bad option reports a usage error (usage_error) and
-- returns nil.  Options are named as typed: "unknown option '--yeer'".
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
      local name, value = a:match("^%-%-([^=]*)=(.*)$")
      name = name or a:sub(3)
      local kind = spec[name]
      if not kind then
        usage_error("unknown option '--" .. name .. "'", usage)
        return nil
      elseif kind == "flag" then
        if value then
          usage_error("option '--" .. name .. "' takes no value", usage)
          return nil
        end
        opts[name] = true
      else
        if not value then
          i = i + 1
          value = args[i]
        end
        if value == nil then
          usage_error("option '--" .. name .. "' needs a value", usage)
          return nil
        end
        opts[name] = value
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      usage_error("unknown option '" .. a:sub(1, 2) .. "'", usage)
      return nil
    else
      operands[#operands + 1] = a
    end
    i = i + 1
  end
  -- --wait SECONDS, where a command takes it: how long its writes wait for another writer.
  if spec.wait and opts.wait then
    local ok, err = kam.store.set_wait(opts.wait)
    if not ok then
      usage_error(err, usage)
      return nil
    end
  end
  return opts, operands
end

-- A list subcommand's operand: at most one customer code.  The code as an integer (nil
-- when none is given), or false and the usage error.
function M.list_code(what, operands)
  if #operands > 1 then return false, what .. " list takes at most one customer code" end
  if not operands[1] then return nil end
  local code, err = M.check_code(operands[1])
  if not code then return false, err end
  return math.tointeger(tonumber(code))
end

-- value one of choices (absent is fine): true, or nil and "--flag 'x' must be a, b or c".
function M.one_of(flag, value, choices)
  if value == nil then return true end
  for _, c in ipairs(choices) do if c == value then return true end end
  return nil, string.format("%s '%s' must be %s or %s", flag, value, table.concat(choices, ", ", 1, #choices - 1),
    choices[#choices])
end

-- Take the subcommand off args: the first argument, unless it is an option, which stays
-- for parse to read or to name ("kam override: unknown option '--yeer'").
function M.subcommand(args)
  local a = args[1]
  if a and a:sub(1, 1) == "-" and #a > 1 then return nil end
  return table.remove(args, 1)
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

-- Today in the database's timezone (meta `timezone`), else the machine's.
function M.today()
  return kam.store.today()
end

function M.last_year()
  return tonumber(M.today():sub(1, 4)) - 1
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

-- A usage error: message and usage on stderr (and the error document with --json);
-- returns 2, the exit status: `return cli.usage_error(...)`.
M.usage_error = usage_error

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
