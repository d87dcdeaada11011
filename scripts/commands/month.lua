-- kam month close | reopen | list | explain: a month's forms, once filed, are frozen by
-- closing it; a reopening needs a reason; both are kept (never changed or deleted).
local cli = require "common.cli"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam month close YYYY-MM
       kam month reopen YYYY-MM --reason TEXT
       kam month list [YYYY-MM]
       kam month explain YYYY-MM CODE TEXT
close records who closed the month and when; kam import ledger --replace or --append of
a closed month is then refused, naming it, until it is reopened with a reason.  list
shows every close and reopening.  explain records why a customer's revenue swung that
month (the fluctuation list of kam report monthly shows the latest explanation).
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { reason = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local function month_arg(s)
  local y, m = tostring(s or ""):match("^(%d%d%d%d)%-(%d%d)$")
  y, m = tonumber(y), tonumber(m)
  if not y or m < 1 or m > 12 or y < 1900 or y > 2999 then return nil end
  return y * 100 + m
end
local function text(m) return string.format("%04d-%02d", m // 100, m % 100) end

if sub == "close" or sub == "reopen" then
  if #operands ~= 1 then return cli.usage_error("month " .. sub .. " needs one month YYYY-MM", USAGE) end
  local m = month_arg(operands[1])
  if not m then return cli.usage_error("month '" .. operands[1] .. "' must be YYYY-MM", USAGE) end
  local reason = opts.reason
  if sub == "reopen" and (not reason or reason == "") then
    return cli.usage_error("month reopen: --reason is required", USAGE)
  end
  if reason and not utf8.len(reason) then return cli.usage_error("--reason is not valid UTF-8 text", USAGE) end
  local at, by = cli.now_utc(), kam.user
  store.month_mark(m, sub, at, by, reason)
  if kam.output_json then
    print(json.encode({ month = text(m), action = sub, at = at, by = by, reason = reason or json.null }, { indent = 2 }))
  else
    io.stderr:write(string.format("kam: month %s %s by %s at %s\n", text(m), sub == "close" and "closed" or "reopened",
      by, at))
  end
  return 0
elseif sub == "list" then
  local m = 0
  if operands[1] then
    m = month_arg(operands[1])
    if not m then return cli.usage_error("month '" .. operands[1] .. "' must be YYYY-MM", USAGE) end
  end
  local rows = store.month_log(m ~= 0 and m or nil)
  for _, r in ipairs(rows) do r.month = text(r.month) end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "month", "action", "at", "by", "reason" } })
  return 0
elseif sub == "explain" then
  if #operands ~= 3 then return cli.usage_error("month explain needs a month, a customer code and the explanation", USAGE) end
  local m = month_arg(operands[1])
  if not m then return cli.usage_error("month '" .. operands[1] .. "' must be YYYY-MM", USAGE) end
  local code, err = cli.check_code(operands[2])
  if not code then return cli.usage_error(err, USAGE) end
  local t = operands[3]
  if t == "" or not utf8.len(t) then return cli.usage_error("the explanation must be UTF-8 text, not empty", USAGE) end
  store.note_add(math.tointeger(tonumber(code)), m, t, kam.user, cli.now_utc())
  if kam.output_json then
    print(json.encode({ month = text(m), code = code, explanation = t }, { indent = 2 }))
  end
  return 0
elseif sub == nil then
  return cli.usage_error("month needs close, reopen, list or explain", USAGE)
end
return cli.usage_error("unknown subcommand '" .. sub .. "'", USAGE)
