-- Days, and every day limit of kam counted one way (DOMAIN §4; issue 21).  A day is
-- "YYYY-MM-DD" in the database's timezone.  A limit of N days after an event on day D is
-- counted from the day after D, and "by day N" includes day N: its last day is D + N in
-- calendar days (the seeds' way, and the default).  A policy may count a limit in working
-- days instead (numbers.day_counting = { complaint_days = "working" }: the key is the
-- limit's own name); then the last day is the Nth working day after D, a working day
-- being Monday to Friday that the center's holiday table does not mark a holiday, or a
-- weekend day it marks a workday (调休上班).  A year the table has no day of is refused
-- rather than counted as if it had no holidays.  Nothing here knows a province.
local M = {}

-- Calendar arithmetic ------------------------------------------------------------------

-- Days since 1970-01-01 of a civil date (H. Hinnant's algorithm: exact, no os.time, no
-- timezone).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function fmt(y, m, d) return string.format("%04d-%02d-%02d", y, m, d) end

-- A day as days since 1970-01-01, or nil and why.
function M.number(s)
  local y, m, d = tostring(s):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil, "date '" .. tostring(s) .. "' must be YYYY-MM-DD" end
  y, m, d = math.tointeger(tonumber(y)), math.tointeger(tonumber(m)), math.tointeger(tonumber(d))
  local n = days_from_civil(y, m, d)
  if fmt(civil_from_days(n)) ~= s then return nil, "date '" .. s .. "' is not a real day" end
  return n
end

function M.from_number(n) return fmt(civil_from_days(n)) end

-- s if it is a real day YYYY-MM-DD, else nil and why.
function M.check(s)
  local n, err = M.number(s)
  if not n then return nil, err end
  return s
end

-- The day n calendar days after day (n may be negative).
function M.add(day, n) return M.from_number(assert(M.number(day)) + n) end

-- Calendar days from a to b (b - a).
function M.between(a, b) return assert(M.number(b)) - assert(M.number(a)) end

-- 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
function M.weekday(day) return (assert(M.number(day)) + 3) % 7 + 1 end

-- The holiday table ---------------------------------------------------------------------

-- A year's marked days, {day = "holiday" | "workday"}, or false when the table has none:
-- read once per command.
local years = {}
local function year_of(y)
  if years[y] == nil then
    local t, any = {}, false
    for _, h in ipairs(kam.store.holidays_between(fmt(y, 1, 1), fmt(y, 12, 31))) do
      t[h.day], any = h.kind, true
    end
    years[y] = any and t
  end
  return years[y]
end

-- Whether day (a day number) is a working day; nil and the year when the table lacks it.
local function working(n)
  local y, m, d = civil_from_days(n)
  local marks = year_of(y)
  if not marks then return nil, y end
  local mark = marks[fmt(y, m, d)]
  if mark then return mark == "workday" end
  return (n + 3) % 7 < 5
end

-- Whether day is a working day under the holiday table: true or false, or nil and why.
function M.is_working(day)
  local n, err = M.number(day)
  if not n then return nil, err end
  local w, y = working(n)
  if w == nil then return nil, string.format("the holiday table has no day of %d", y) end
  return w
end

-- Counting ----------------------------------------------------------------------------

-- How policy p counts the limit named key: "calendar" (the default) or "working".
function M.counting(p, key)
  local dc = p.numbers and p.numbers.day_counting
  if dc == nil then return "calendar" end
  if type(dc) ~= "table" then
    error(string.format("policy %s: numbers.day_counting must be a table of limit = \"calendar\" or \"working\"",
      p.name), 0)
  end
  local how = dc[key]
  if how == nil or how == "calendar" then return "calendar" end
  if how == "working" then return "working" end
  error(string.format("policy %s: numbers.day_counting.%s is '%s': it must be \"calendar\" or \"working\"", p.name,
    key, tostring(how)), 0)
end

-- The last day of a limit of n days (the policy's limit named key) after an event on day:
-- day + n calendar days, or the nth working day after day.  n = 0 is day itself.
function M.deadline(p, key, day, n)
  local d = assert(M.number(day))
  if math.type(n) ~= "integer" or n < 0 then
    error(string.format("policy %s: %s is '%s': a whole number of days, 0 or more", p.name, key, tostring(n)), 0)
  end
  if M.counting(p, key) == "calendar" then return M.from_number(d + n) end
  local left = n
  while left > 0 do
    d = d + 1
    local w, y = working(d)
    if w == nil then
      error(string.format("policy %s counts %s in working days, and the holiday table has no day of %d: enter"
        .. " that year's holidays and workdays first (kam holiday add, or kam import holidays)", p.name, key, y), 0)
    end
    if w then left = left - 1 end
  end
  return M.from_number(d)
end

return M
