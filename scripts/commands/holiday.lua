-- kam holiday add | remove | list: the center's holiday table (DOMAIN §4; issue 21).  A
-- day is a holiday (法定节假日: no work, even on a weekday) or a workday (调休上班: a
-- Saturday or Sunday worked in exchange).  Only the day limits a policy counts in working
-- days read it (numbers.day_counting; common/days.lua); calendar days stay the default.
-- Every change is in the audit log; the command runs in one transaction.
local cli = require "common.cli"
local days = require "common.days"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam holiday add DATE [--to DATE] --name NAME [--workday]
       kam holiday remove DATE [--to DATE]
       kam holiday list [--year Y]
add marks a day, or every day from DATE to --to, a holiday (法定节假日), or with
--workday a Saturday or Sunday worked in exchange (调休上班).  A day marked already is
refused, naming its mark: remove it first.  remove takes the marks off (refused when a
day in the range has none).  list shows the marked days (--year: of one year) and, for
each year, how many of each kind.  A limit the policy counts in working days
(numbers.day_counting) is counted Monday to Friday less the holidays, plus the workdays,
and is refused for a year with no day marked.
]]

local WEEKDAY = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { to = "value", name = "value", workday = "flag", year = "value",
  help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local function done(doc, line)
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) else io.stderr:write("kam: ", line, "\n") end
  return 0
end

-- The days of DATE [--to DATE], or nil and the usage error.
local function range()
  if #operands ~= 1 then return nil, "holiday " .. sub .. " needs one date" end
  local from, err = days.check(operands[1])
  if not from then return nil, err end
  local to = from
  if opts.to then
    to, err = days.check(opts.to)
    if not to then return nil, "--to: " .. err end
    if to < from then return nil, string.format("--to %s is before %s", to, from) end
    if days.between(from, to) > 366 then return nil, string.format("%s to %s is more than a year", from, to) end
  end
  local list = {}
  for i = 0, days.between(from, to) do list[#list + 1] = days.add(from, i) end
  return list
end

local function mark_text(h)
  return string.format("%s %s (%s, entered by %s)", h.day, h.kind, h.name, h.added_by)
end

if sub == "add" then
  local list, err = range()
  if not list then return cli.usage_error(err, USAGE) end
  if not opts.name or opts.name == "" then return cli.usage_error("holiday add: --name is required", USAGE) end
  if not utf8.len(opts.name) then return cli.usage_error("holiday add: --name is not valid UTF-8 text", USAGE) end
  local kind = opts.workday and "workday" or "holiday"
  local now = cli.now_utc()
  for _, d in ipairs(list) do
    local old = store.holiday_get(d)
    if old then error(string.format("holiday add: %s is marked already: %s; remove it first", d, mark_text(old)), 0) end
    if kind == "workday" and days.weekday(d) < 6 then
      error(string.format("holiday add: %s is a %s, a working day already: --workday marks a Saturday or Sunday"
        .. " worked in exchange (调休上班)", d, WEEKDAY[days.weekday(d)]), 0)
    end
    store.holiday_put(d, kind, opts.name, kam.user, now)
  end
  return done({ added = json.array(list), kind = kind, name = opts.name },
    string.format("%d day%s marked %s (%s): %s%s", #list, #list == 1 and "" or "s", kind, opts.name, list[1],
      #list > 1 and (" to " .. list[#list]) or ""))
elseif sub == "remove" then
  local list, err = range()
  if not list then return cli.usage_error(err, USAGE) end
  local removed = {}
  for _, d in ipairs(list) do
    local old = store.holiday_get(d)
    if not old then error(string.format("holiday remove: %s is not marked", d), 0) end
    store.holiday_remove(d)
    removed[#removed + 1] = old
  end
  return done({ removed = json.array(removed) }, string.format("%d day%s unmarked: %s", #removed,
    #removed == 1 and "" or "s", table.concat(list, ", ")))
elseif sub == "list" then
  if #operands > 0 then return cli.usage_error("holiday list takes no operand", USAGE) end
  local from, to
  if opts.year then
    local y, err = cli.check_year(opts.year)
    if not y then return cli.usage_error("--year: " .. err, USAGE) end
    from, to = string.format("%04d-01-01", y), string.format("%04d-12-31", y)
  end
  local rows = store.holidays_between(from, to)
  for _, h in ipairs(rows) do h.weekday = WEEKDAY[days.weekday(h.day)] end
  local years = {}
  for _, y in ipairs(store.holiday_years()) do
    if not opts.year or y.year == math.tointeger(tonumber(opts.year)) then years[#years + 1] = y end
  end
  if kam.output_json then
    print(json.encode({ days = json.array(rows), years = json.array(years) }, { indent = 2, sort_keys = true }))
    return 0
  end
  cli.table(rows, { columns = { "day", "weekday", "kind", "name", "added_by" } })
  for _, y in ipairs(years) do
    io.write(string.format("%d: %d holidays, %d workdays\n", y.year, y.holidays, y.workdays))
  end
  if #years == 0 then
    io.write(opts.year and string.format("no day of %s is marked\n", opts.year) or "no day is marked\n")
  end
  return 0
end
return cli.usage_error(sub and ("unknown holiday subcommand '" .. sub .. "'") or "holiday needs a subcommand", USAGE)
