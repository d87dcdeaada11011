-- The morning reminder: what is due in the next DAYS days (the job's argument): the
-- policy's filing day of the logistics form and the ledger month it needs, the overrides
-- (cultivation periods) that end; then, per manager, the visits due today or overdue, the
-- archives past their refresh interval and the registrations ending (scripts/reminder.lua);
-- and, per owner, the money and service deadlines due today or overdue: discount answers,
-- claims, arrears to collect, complaints to answer (common/money.lua's reminders).
local common = require "common"
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = here .. "/../commands/?.lua;" .. package.path
local days = tonumber((...)) or 7
local y, m, d = common.slot_date()
local today = os.time { year = y, month = m, day = d, hour = 12 }
local function date_in(n) return os.date("%Y-%m-%d", today + n * 86400) end
local horizon = date_in(days)
local lines = {}

local numbers = {}
do
  local ok, pol = pcall(kam.grading.policy, kam.policy)
  if ok then numbers = (pol:info().module or {}).numbers or {}; pol:close() end
end
local day = numbers.logistics_report_day
if type(day) == "number" then
  local due = os.time { year = y, month = m, day = day, hour = 12 }
  if due < today then due = os.time { year = m == 12 and y + 1 or y, month = m % 12 + 1, day = day, hour = 12 } end
  local left = math.floor((due - today) / 86400 + 0.5)
  if left <= days then
    local fy, fm = common.previous_month(tonumber(os.date("%Y", due)), tonumber(os.date("%m", due)))
    lines[#lines + 1] = string.format("logistics form for %d-%02d due %s (%d day%s)%s", fy, fm,
      os.date("%Y-%m-%d", due), left, left == 1 and "" or "s",
      common.ledger_has(fy, fm) and "" or ": its month is not in the ledger yet")
  end
end
for _, o in ipairs(kam.store.overrides_list(nil, date_in(0))) do
  if o.valid_until and o.valid_until <= horizon then
    lines[#lines + 1] = string.format("override %d (%s, customer %s, grade %s) ends %s", o.id, o.kind, o.code,
      o.grade, o.valid_until)
  end
end
print(string.format("reminder for %s (the next %d days):", date_in(0), days))
if #lines == 0 then print("  nothing due") end
for _, l in ipairs(lines) do print("  " .. l) end

-- What a grade obliges, per manager (visits, archives, registrations).
local obligations = assert(loadfile(here .. "/../reminder.lua", "t"))
obligations("--as-of", date_in(0), "--days", tostring(days))

-- Money and service, per owner.
local money = require "common.money"
local ok, pol = pcall(money.policy)
if ok then
  local owners = money.reminders(pol, date_in(0))
  for _, o in ipairs(owners) do
    print(string.format("%s: %d money and service item(s)", o.owner, #o.items))
    for _, it in ipairs(o.items) do
      print(string.format("  %s #%d customer %s: %s, due %s%s", it.kind, it.id, it.code, it.what, it.due,
        it.overdue and " (overdue)" or ""))
    end
  end
else
  print("missing: the money and service deadlines (" .. tostring(pol) .. ")")
end
