-- What a grade obliges (DOMAIN §4, §7): the computations over the policy's numbers that
-- the commands (customer, code, manager, visit, register) and, later, the report scripts
-- share.  Every number comes from the policy (`numbers`: managers, visits, center_visits,
-- leadership_visits, archive_refresh_months, symposiums_per_year, registration_days); the
-- data from kam.store.  Dates are calendar days "YYYY-MM-DD" in the database's timezone.
local M = {}
local store = kam.store

-- Dates ------------------------------------------------------------------------------

local function ymd(d)
  local y, m, dd = d:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  return tonumber(y), tonumber(m), tonumber(dd)
end
M.ymd = ymd

function M.days_in_month(y, m)
  local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m == 2 and (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) then return 29 end
  return days[m]
end

local function fmt(y, m, d) return string.format("%04d-%02d-%02d", y, m, d) end

-- The last day of month (y, m).
function M.month_end(y, m) return fmt(y, m, M.days_in_month(y, m)) end

-- The same day n months later; a day the month lacks is its last day (2026-01-31 + 1
-- month is 2026-02-28).
function M.add_months(d, n)
  local y, m, dd = ymd(d)
  local k = y * 12 + (m - 1) + n
  y, m = k // 12, k % 12 + 1
  return fmt(y, m, math.min(dd, M.days_in_month(y, m)))
end

-- Days counted on the calendar (common/days.lua: every day limit is counted there).
local days = require "common.days"
M.day_number = days.number

-- d plus n calendar days.
M.add_days = days.add

-- The policy's numbers --------------------------------------------------------------

-- The policy (name or file) loaded once per command: {name, grades, numbers}.
local loaded = {}
function M.policy(name)
  name = name or kam.policy
  if not loaded[name] then
    local pol <close> = kam.grading.policy(name)
    local info = pol:info()
    loaded[name] = { name = info.name, grades = info.grades, numbers = info.module.numbers or {},
                     revenue_lines = info.module.revenue_lines }
  end
  return loaded[name]
end

-- The year whose grades govern a day: the latest year graded at or before that day's year
-- (the grades of 2025, decided early in 2026, govern 2026).  nil when none is graded.
function M.grade_year(day)
  local r = store.graded_year((ymd(day)))
  return r and r.year
end

-- Managers (DOMAIN §4) ----------------------------------------------------------------

-- A grade's staffing rule: {dedicated = true} or {min, max} from numbers.managers, or nil
-- when the policy sets none for it (ab_pair_from is no ratio).
function M.ratio(p, grade)
  local m = p.numbers.managers
  local r = type(m) == "table" and m[grade]
  if type(r) ~= "table" then return nil end
  if r.dedicated then return { dedicated = true } end
  if math.type(r.max) == "integer" and r.max > 0 then return { min = r.min, max = r.max } end
  return nil
end

local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return a end

-- A manager's whole capacity in units: the least common multiple of the policy's
-- per-manager maxima, so that a customer of a grade with at most `max` per manager takes
-- units/max of it and a dedicated one takes all of it, in integers.
function M.capacity_units(p)
  local l = 1
  for _, g in ipairs(p.grades) do
    local r = M.ratio(p, g)
    if r and r.max then l = l // gcd(l, r.max) * r.max end
  end
  return l
end

-- The units one customer of grade takes (0: the policy sets no ratio for it).
function M.units(p, grade)
  local r = grade and M.ratio(p, grade)
  if not r then return 0 end
  local l = M.capacity_units(p)
  return r.dedicated and l or l // r.max
end

local function ratio_text(r)
  if r.dedicated then return "a dedicated manager each" end
  if r.min and r.min ~= r.max then return string.format("%d–%d per manager", r.min, r.max) end
  return string.format("at most %d per manager", r.max)
end
M.ratio_text = ratio_text

-- A manager's load from its customers per grade ({[grade] = n}): units used, and the
-- arithmetic ("4 of grade 3 × 8 + 1 of grade 4 × 5 = 37 of 40 units").
function M.load(p, counts)
  local cap, used, parts = M.capacity_units(p), 0, {}
  for _, g in ipairs(p.grades) do
    local n = counts[g]
    if n and n > 0 then
      local u = M.units(p, g)
      used = used + n * u
      parts[#parts + 1] = string.format("%d of grade %s × %d", n, g, u)
    end
  end
  return used, cap, string.format("%s = %d of %d units", #parts > 0 and table.concat(parts, " + ") or "none", used,
    cap)
end

-- The managers each grade requires, against those serving it: rows {grade, customers,
-- rule, required, arithmetic, assigned_customers, managers, short}.  by_grade: rows of
-- kam.store.staffing_by_grade.
function M.staffing(p, by_grade)
  local rows, seen = {}, {}
  for _, r in ipairs(by_grade) do seen[r.grade] = r end
  for _, g in ipairs(p.grades) do
    local r = seen[g] or { grade = g, customers = 0, assigned = 0, managers = 0 }
    local rule = M.ratio(p, g)
    local row = { grade = g, customers = r.customers, assigned_customers = r.assigned, managers = r.managers,
                  unassigned = r.customers - r.assigned }
    if not rule then
      row.rule = "the policy sets no ratio"
      row.arithmetic = string.format("%d customers of grade %s: policy %s sets no managers per customer for it",
        r.customers, g, p.name)
    elseif rule.dedicated then
      row.rule = ratio_text(rule)
      row.required = r.customers
      row.arithmetic = string.format("%d customers of grade %s × 1 dedicated manager = %d", r.customers, g,
        r.customers)
    else
      row.rule = ratio_text(rule)
      row.required = (r.customers + rule.max - 1) // rule.max
      row.arithmetic = string.format("%d customers of grade %s ÷ %d per manager (%s), rounded up = %d",
        r.customers, g, rule.max, ratio_text(rule), row.required)
    end
    if row.required then row.short = math.max(0, row.required - r.managers) end
    rows[#rows + 1] = row
  end
  return rows
end

-- Staffing on day (kam manager staffing, kam report staffing): {grade_year, grades
-- (M.staffing's rows), over (managers over their load, with the arithmetic), unassigned
-- (the first `limit` key accounts without a manager), unassigned_total, required (managers
-- in all), managers (serving key accounts), pairs (M.pairs_missing)}; or nil and why.
-- The policy's ratios go to the storage layer as units per grade (M.units), whose one
-- query counts the grades, sums the managers' loads and returns only the managers over
-- their capacity (kam.store.staffing); the arithmetic shown is M.load's.
function M.staffing_on(p, day, limit)
  local gy = M.grade_year(day)
  if not gy then return nil, string.format("no year is graded at or before %s: staffing follows the grades", day) end
  local units = {}
  for _, g in ipairs(p.grades) do units[#units + 1] = { grade = g, units = M.units(p, g) } end
  local by_grade, loads, per, unassigned, managers, total = {}, {}, {}, {}, 0, 0
  for _, r in ipairs(store.staffing(gy, kam.json.encode(kam.json.array(units)), M.capacity_units(p), limit)) do
    if r.part == "grade" then
      by_grade[#by_grade + 1] = { grade = r.grade, customers = r.n, assigned = r.assigned, managers = r.managers }
      total = total + r.n - r.assigned
    elseif r.part == "serving" then
      managers = r.n
    elseif r.part == "over" then
      local l = per[r.manager]
      if not l then
        l = { manager = r.manager, counts = {} }
        per[r.manager] = l
        loads[#loads + 1] = l
      end
      l.counts[r.grade] = r.n
    else
      unassigned[#unassigned + 1] = { code = r.code, name = r.name, grade = r.grade, city = r.city, county = r.county }
    end
  end
  local grades = M.staffing(p, by_grade)
  local over = {}
  for _, l in ipairs(loads) do
    local used, cap, arithmetic = M.load(p, l.counts)
    if used > cap then over[#over + 1] = { manager = l.manager, used = used, capacity = cap, arithmetic = arithmetic } end
  end
  local required = 0
  for _, r in ipairs(grades) do required = required + (r.required or 0) end
  local paired = M.pair_grades(p)
  return { grade_year = gy, grades = grades, over = over, unassigned = unassigned, unassigned_total = total,
           required = required, managers = managers,
           pairs = M.pairs_missing(p, paired and store.staffing_roles(gy, kam.json.encode(kam.json.array(paired))) or {}) }
end

-- The grades the policy gives an A/B pair (numbers.managers.ab_pair_from and better), or
-- nil when it sets none.
function M.pair_grades(p)
  local m = p.numbers.managers
  local from = type(m) == "table" and m.ab_pair_from
  if not from then return nil end
  local out = {}
  for _, g in ipairs(p.grades) do
    out[#out + 1] = g
    if g == from then return out end
  end
  return nil
end

-- The A/B pair (DOMAIN §4: Shantou and the 2012 rules, Silver/VIP and above): the key
-- accounts of grade numbers.managers.ab_pair_from or better without both an A and a B
-- manager.  nil when the policy sets no pair.  roles: kam.store.staffing_roles rows (the
-- storage layer's query keeps only those of M.pair_grades lacking one; checked again here).
function M.pairs_missing(p, roles)
  local m = p.numbers.managers
  local from = type(m) == "table" and m.ab_pair_from
  if not from then return nil end
  local rank, limit = {}, nil
  for i, g in ipairs(p.grades) do
    rank[g] = i
    if g == from then limit = i end
  end
  if not limit then return nil end
  local missing = {}
  for _, r in ipairs(roles) do
    if rank[r.grade] and rank[r.grade] <= limit and (r.has_a == 0 or r.has_b == 0) then
      missing[#missing + 1] = { code = r.code, name = r.name, grade = r.grade,
        lacks = (r.has_a == 0 and r.has_b == 0) and "A and B" or (r.has_a == 0 and "A" or "B") }
    end
  end
  return { from = from, missing = missing }
end

-- Visits (DOMAIN §4) ------------------------------------------------------------------

-- The policy's numbers key for a kind of visit.
M.visit_keys = { regular = "visits", center = "center_visits", leadership = "leadership_visits" }

-- What grade requires of kind in the month (y, m): {required, per, due, by} or nil.
-- per_month: `required` visits in the month, due on its last day; per_year: in the
-- calendar year, due on 31 December.
function M.visit_rule(p, kind, grade, y, m)
  local t = p.numbers[M.visit_keys[kind]]
  local r = type(t) == "table" and t[grade]
  if type(r) ~= "table" then return nil end
  -- A rule for one breadth only (city2012: the center's visits to *comprehensive* Gold,
  -- DOMAIN §4) holds for the key accounts whose grade is labelled so (grade()'s labels);
  -- for a decision without the label (graded before kam kept it) it is not computed.
  local breadth = r.breadth
  local unknown = breadth and string.format("the rule holds for %s customers only, and this grade carries no "
    .. "breadth label (graded before kam kept it): grade the year again", breadth) or nil
  if r.per_month then
    return { required = r.per_month, per = "month", due = M.month_end(y, m), by = r.by, breadth = breadth,
             unknown = unknown }
  elseif r.per_year then
    return { required = r.per_year, per = "year", due = fmt(y, 12, 31), by = r.by, breadth = breadth,
             unknown = unknown }
  end
  return nil
end

-- Head-office accounts (总部大客户; Hubei art. 30 (4), DOMAIN §4): visited by the province
-- numbers.head_office_visits.per_year times a year.  A head office is a key account whose
-- code has branch number 000 and which has active branches stored (DOMAIN §2's code is the
-- only structure kam holds); the visits counted are those of the rule's kind (kam stores
-- no visiting level, so the policy names the kind the province's visits are recorded as).
-- The rule, as visit_rule's with the kind counted, or nil when the policy sets none.
function M.head_office_rule(p, y)
  local r = p.numbers.head_office_visits
  if type(r) ~= "table" then return nil end
  if math.type(r.per_year) ~= "integer" or not M.visit_keys[r.kind] then
    error(string.format("policy %s: numbers.head_office_visits needs per_year (a whole number) and kind (regular,"
      .. " center or leadership: the visits that count)", p.name), 0)
  end
  return { required = r.per_year, per = "year", due = fmt(y, 12, 31), by = r.by, visit_kind = r.kind,
           head_office = true }
end

-- met when made reaches required; else overdue once the due day is past, due before.
local function status(made, required, due, as_of)
  if made >= required then return "met" end
  if as_of > due then return "overdue" end
  return "due"
end
M.status = status

-- Per key account graded for the year governing month (y, m): for each of kinds (in that
-- order), the visits its grade requires in the period (the month, or the year to the
-- month's end), those made, and the status on as_of.  The policy's rules go to the storage
-- layer as numbers (kam.store.visits_status), which does the counting and the arithmetic
-- in its query.  all: every key account's rows, by kind and code; else only those due or
-- overdue, overdue first, by code and then by rank[kind] (default: the order of
-- kinds).  Returns rows, counts {met, due, overdue, ["not computed"]} over every row, and
-- the grade year (nil: nothing graded).
function M.visits_status(p, kinds, y, m, as_of, all, rank)
  local counts = { met = 0, due = 0, overdue = 0, ["not computed"] = 0 }
  local gy = M.grade_year(M.month_end(y, m))
  if not gy then return {}, counts, nil end
  local rules, by = {}, {}
  for i, kind in ipairs(kinds) do
    local head = kind == "head_office" and M.head_office_rule(p, y) or nil
    for _, g in ipairs(p.grades) do
      local rule = head or (kind ~= "head_office" and M.visit_rule(p, kind, g, y, m)) or nil
      if rule then
        rules[#rules + 1] = { kind = kind, grade = g, per = rule.per, required = rule.required, due = rule.due,
                              computed = true, rank = all and i or (rank and rank[kind] or i),
                              visit_kind = rule.visit_kind, breadth = rule.breadth, head_office = rule.head_office }
        by[kind] = by[kind] or {}
        by[kind][g] = rule
      end
    end
  end
  if #rules == 0 then return {}, counts, gy end
  local rows, out = store.visits_status(gy, fmt(y, m, 1), M.month_end(y, m), fmt(y, 1, 1), as_of,
    kam.json.encode(kam.json.array(rules)), all and 1 or 0), {}
  local branches
  for _, r in ipairs(rows) do
    if not r.code then
      counts[r.status] = r.n
    else
      local rule = by[r.kind][r.grade]
      r.by = rule.by
      if r.status == "not computed" then r.why = rule.unknown else r.short = math.max(0, r.required - r.made) end
      if rule.head_office then
        if not branches then
          branches = {}
          for _, h in ipairs(store.head_offices()) do branches[h.code] = h.branches end
        end
        r.counts, r.branches = rule.visit_kind, branches[r.code]
      end
      out[#out + 1] = r
    end
  end
  return out, counts, gy
end

-- Per key account graded for the year governing month (y, m): the visits of kind its
-- grade requires in the period, those made, and the status on as_of (M.visits_status,
-- every row).  Returns rows, and the grade year (nil: nothing graded).
function M.visits_due(p, kind, y, m, as_of)
  local rows, _, gy = M.visits_status(p, { kind }, y, m, as_of, true)
  return rows, gy
end

-- Symposiums held in year y (to as_of) against numbers.symposiums_per_year.
function M.symposiums(p, y, as_of)
  local required = p.numbers.symposiums_per_year
  local to = as_of < fmt(y, 12, 31) and as_of or fmt(y, 12, 31)
  local held = store.symposiums_between(fmt(y, 1, 1), to)
  if math.type(required) ~= "integer" then
    return { year = y, held = #held, status = "not set by the policy" }
  end
  return { year = y, held = #held, required = required, due = fmt(y, 12, 31),
           status = status(#held, required, fmt(y, 12, 31), as_of) }
end

-- Archive freshness (DOMAIN §4): a key account's archive is due again
-- archive_refresh_months[grade] months after its last refresh (the same day of the month,
-- or the month's last day); overdue the day after.  Never refreshed: overdue.
function M.refresh_rule(p, grade)
  local t = p.numbers.archive_refresh_months
  local n = type(t) == "table" and t[grade]
  return math.type(n) == "integer" and n or nil
end

function M.archives_due(p, as_of)
  if type(p.numbers.archive_refresh_months) ~= "table" then return {}, nil end   -- the policy sets none
  local gy = M.grade_year(as_of)
  if not gy then return {}, nil end
  local rows = {}
  for _, r in ipairs(store.archive_refreshes(gy)) do
    local n = M.refresh_rule(p, r.grade)
    if n then
      local due = r.refreshed_on and M.add_months(r.refreshed_on, n)
      rows[#rows + 1] = { code = r.code, name = r.name, grade = r.grade, months = n,
        refreshed_on = r.refreshed_on, due = due,
        status = (not due) and "never refreshed" or (as_of > due and "overdue" or "current") }
    end
  end
  return rows, gy
end

-- Registrations (DOMAIN §7) -----------------------------------------------------------

-- How many calendar days a registration stands (numbers.registration_days), counted from
-- the day after the claim; "by day N" includes day N.
function M.registration_days(p)
  local n = p.numbers.registration_days
  return math.type(n) == "integer" and n > 0 and n or nil
end

-- Codes (DOMAIN §2) -------------------------------------------------------------------

-- The administrative divisions shipped for the policy's province
-- (common/divisions/NAME.lua): a table keyed by the 6-digit code, and where it comes
-- from; nil and why when none is shipped.
function M.divisions()
  local p = M.policy()
  local ok, list = pcall(require, "common.divisions." .. p.name)
  if not ok or type(list) ~= "table" then
    return nil, string.format("no table of administrative divisions is shipped for policy %s (shipped: hubei)", p.name)
  end
  local t = {}
  for _, d in ipairs(list) do t[d[1]] = { code = d[1], name = d[2], city = d[3], place = d[4] } end
  return t, "common/divisions/" .. p.name .. ".lua"
end

-- The next code under a division (admin: "420102"): the largest sequence used there + 1,
-- branch 000.  Returns the code and the arithmetic, or nil and why (the division full).
function M.next_code(admin)
  local r = store.code_max_sequence(math.tointeger(tonumber(admin)))
  local used = r and r.sequence or 0
  if used >= 99999 then
    return nil, string.format("division %s is full: its largest sequence is 99999 (DOMAIN §2)", admin)
  end
  local seq = used + 1
  return string.format("%s%05d000", admin, seq), seq,
    r and string.format("largest sequence used under %s is %05d; + 1 = %05d; branch 000", admin, used, seq)
      or string.format("no code under %s yet: sequence 00001, branch 000", admin)
end

-- The next branch of a head office (its 14-digit code): its largest branch + 1.
function M.next_branch(head)
  local h11 = head:sub(1, 11)
  local r = store.code_max_branch(math.tointeger(tonumber(h11)))
  local used = r and r.branch or 0
  if used >= 999 then
    return nil, string.format("head office %s000 is full: its largest branch is 999 (DOMAIN §2)", h11)
  end
  return string.format("%s%03d", h11, used + 1), used + 1,
    string.format("largest branch used under %s000 is %03d; + 1 = %03d", h11, used, used + 1)
end

return M
