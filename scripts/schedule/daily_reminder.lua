-- The morning reminder: what is due in the next DAYS days (the job's argument).  Today it
-- knows the policy's filing day of the logistics form, the ledger month the monthly work
-- needs, and the overrides (cultivation periods) that end; deadlines kam does not record
-- yet (visits, claims) come with their issues.
local common = require "common"
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
