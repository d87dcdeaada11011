-- The daily reminder (issue 21): what is due today or overdue, per manager — visits of the
-- month (and the year's, for yearly rules), archives past their refresh interval, and
-- registrations whose last day falls within the next DAYS days (default 7; kam chooses it:
-- no seed gives one).  For the scheduler:
--     kam run scripts/reminder.lua [--as-of DATE] [--days N]
-- With --json one document {as_of, managers = {{manager, visits, archives}}, registrations};
-- customers without a manager are listed under manager "" (none).
package.path = (debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or ".") .. "/commands/?.lua;" .. package.path
local cli = require "common.cli"
local ob = require "common.obligations"
local store, json = kam.store, kam.json

local USAGE = "usage: kam run scripts/reminder.lua [--as-of DATE] [--days N]\n"
-- kam run reports a script's error with exit status 1: a bad option is one.
local opts, operands = cli.parse({ ... }, { ["as-of"] = "value", days = "value", help = "flag" }, USAGE)
if not opts then error("reminder: bad options", 0) end
if #operands > 0 then error("reminder: no operand expected", 0) end
if opts.help then io.write(USAGE) return 0 end
local as_of = store.today()
if opts["as-of"] then
  local err
  as_of, err = cli.check_date(opts["as-of"])
  if not as_of then error("reminder: " .. err, 0) end
end
local days = math.tointeger(tonumber(opts.days or "7"))
if not days or days < 0 then error("reminder: --days must be a whole number", 0) end

local p = ob.policy()
local y, m = ob.ymd(as_of)
local lead = {}
for _, a in ipairs(store.assignments_current_all()) do lead[a.code] = a.manager end
local per, order = {}, {}
local function bucket(code)
  local name = lead[code] or ""
  if not per[name] then
    per[name] = { manager = name, visits = {}, archives = {} }
    order[#order + 1] = name
  end
  return per[name]
end
-- This month's visits due today (a monthly rule on the month's last day) or overdue, and
-- last month's monthly visits still missing.
-- Head-office accounts the province has not visited this year come once the year's end
-- is due.  Each month in one query, only what is due or overdue.
local py, pm = m == 1 and y - 1 or y, m == 1 and 12 or m - 1
local kinds = { "regular", "center", "leadership", "head_office" }
for _, r in ipairs((ob.visits_status(p, kinds, y, m, as_of, false))) do
  if r.status == "overdue" or (r.status == "due" and r.due == as_of) then
    table.insert(bucket(r.code).visits, r)
  end
end
for _, r in ipairs((ob.visits_status(p, kinds, py, pm, as_of, false))) do
  if r.per == "month" and r.status == "overdue" then table.insert(bucket(r.code).visits, r) end
end
for _, a in ipairs(ob.archives_due(p, as_of)) do
  if a.status ~= "current" or a.due == as_of then table.insert(bucket(a.code).archives, a) end
end
table.sort(order)
local managers = {}
for _, name in ipairs(order) do
  local b = per[name]
  table.sort(b.visits, function(a, c)
    if a.code ~= c.code then return a.code < c.code end
    if a.kind ~= c.kind then return a.kind < c.kind end
    return a.due < c.due
  end)
  b.visits, b.archives = json.array(b.visits), json.array(b.archives)
  managers[#managers + 1] = b
end
local regs = store.registrations_held(nil, ob.add_days(as_of, days))
local doc = { as_of = as_of, policy = p.name, managers = json.array(managers), registrations = json.array(regs) }
if kam.output_json then return doc end
for _, b in ipairs(managers) do
  io.write(string.format("%s: %d visit(s), %d archive(s)\n", b.manager ~= "" and b.manager or "(no manager)",
    #b.visits, #b.archives))
  for _, v in ipairs(b.visits) do
    io.write(string.format("  visit %s %s (%s): %d of %d by %s, %s\n", v.code, v.name, v.kind, v.made, v.required,
      v.due, v.status))
  end
  for _, a in ipairs(b.archives) do
    io.write(string.format("  archive %s %s: refreshed %s, due %s, %s\n", a.code, a.name, a.refreshed_on or "never",
      a.due or "-", a.status))
  end
end
for _, r in ipairs(regs) do
  io.write(string.format("registration #%d %s of team %s: last day %s\n", r.id, r.prospect, r.team, r.expires_on))
end
return 0
