-- The quarterly assessment of a city bureau (DOMAIN §10; Hubei art. 35): 100 base points
-- in eight items, each with its deductions and bonuses explained, each stopping at 0 and
-- at its maximum.  The numbers are the policy's (numbers.assessment); the figures come
-- from kam.store.assessment_bureaus, visits_status and symposiums_by_bureau.  An item whose
-- data kam does not hold (monthly analyses, data accuracy; archives, visits or symposiums
-- when none is recorded for the bureau) is "not assessed": never scored full or zero.
--
-- Decisions (DOMAIN §10): percentage points count whole (a shortfall of 2.6 points is 2);
-- a quarter compares the year to date with the same months of the year before; key
-- accounts "now" are those of the latest year graded at or before the quarter's year
-- (active ones), "before" those of the year graded before that; revenue is on the
-- policy's revenue_lines.  Yearly bars (symposiums, yearly visits) are judged in Q4.
local M = {}
local store = kam.store
local ob = require "common.obligations"

-- "2025Q4" -> 2025, 4
function M.quarter(s)
  local y, q = tostring(s):match("^(%d%d%d%d)Q([1-4])$")
  if not y then return nil, "quarter '" .. tostring(s) .. "' must be like 2025Q4" end
  return math.tointeger(tonumber(y)), math.tointeger(tonumber(q))
end

local function clamp(x, lo, hi) return math.max(lo, math.min(hi, x)) end
local function halves(h) return h % 2 == 0 and h // 2 or h / 2 end   -- 19 -> 9.5, 20 -> 10

local function pct_text(num, den)
  return string.format("%.1f%%", num * 100 / den)
end

local function not_assessed(name, base, why)
  return { item = name, base = base, status = "not assessed", why = why }
end

-- Growth (count or revenue): target_pct a year; half_points_per_pct_short off per whole
-- point short, points_per_pct_over per whole point over, the bonus at most max_bonus.
function M.growth(name, r, now, before, what)
  if before <= 0 then
    return not_assessed(name, r.base, string.format("no %s in the same period of the year before: no growth rate", what))
  end
  local d100, t = (now - before) * 100, r.target_pct * before
  local h, text
  if d100 >= t then
    local over = (d100 - t) // before
    local bonus = math.min(over * r.points_per_pct_over, r.max_bonus)
    h = r.base * 2 + bonus * 2
    text = string.format("%s %s → %s: %s, %d whole point(s) over the %d%% target: +%d (bonus at most +%d)", what,
      before, now, pct_text(now - before, before), over, r.target_pct, bonus, r.max_bonus)
  else
    local short = (t - d100) // before
    h = r.base * 2 - short * r.half_points_per_pct_short
    text = string.format("%s %s → %s: %s, %d whole point(s) short of the %d%% target: −%s", what, before, now,
      pct_text(now - before, before), short, r.target_pct, tostring(halves(short * r.half_points_per_pct_short)))
  end
  local max = (r.base + r.max_bonus) * 2
  local capped = clamp(h, 0, max)
  if capped ~= h then text = text .. (h < 0 and "; stops at 0" or "; capped at " .. tostring(halves(max))) end
  return { item = name, base = r.base, max = halves(max), score = halves(capped), status = "assessed", arithmetic = text }
end

-- Class 2 and above: ±points_per_account per account of net change in their number,
-- ±points_per_10pct per whole 10% change of their revenue; bonus at most max_bonus.
function M.top(r, n_now, n_before, rev_now, rev_before)
  local net = n_now - n_before
  local points = r.base + net * r.points_per_account
  local parts = { string.format("accounts %d → %d: net %+d × %d = %+d", n_before, n_now, net, r.points_per_account,
    net * r.points_per_account) }
  if rev_before > 0 then
    local d = (rev_now - rev_before) * 10
    local tens = d >= 0 and d // rev_before or -((-d) // rev_before)
    points = points + tens * r.points_per_10pct
    parts[#parts + 1] = string.format("revenue %s → %s yuan: %s, %d whole 10%% step(s) × %d = %+d", kam.yuan(rev_before),
      kam.yuan(rev_now), pct_text(rev_now - rev_before, rev_before), tens, r.points_per_10pct, tens * r.points_per_10pct)
  else
    parts[#parts + 1] = "no revenue of these accounts the year before: the revenue part is not scored"
  end
  local max = r.base + r.max_bonus
  local score = clamp(points, 0, max)
  local text = table.concat(parts, "; ") .. string.format("; %d + changes = %d", r.base, points)
  if score ~= points then text = text .. (points < 0 and "; stops at 0" or "; capped at " .. max) end
  return { item = "top_accounts", base = r.base, max = max, score = score, status = "assessed", arithmetic = text }
end

-- Deductions per account (archives, visits): base − n × points, stopping at 0.
local function per_account(name, r, n, what)
  local points = r.base - n * r.points_per_account
  local score = math.max(0, points)
  return { item = name, base = r.base, max = r.base, score = score, status = "assessed",
    arithmetic = string.format("%d − %d %s × %d = %d%s", r.base, n, what, r.points_per_account, points,
      score ~= points and "; stops at 0" or "") }
end

-- Visits: per key account of the bureau, a month of the quarter below its per_month rule,
-- or (in Q4) the year below its per_year rule, counts once.  by_bureau[city] = {short,
-- made} from the quarter's months.
local function visits_by_bureau(p, y, q)
  local t = {}
  local months = { 3 * q - 2, 3 * q - 1, 3 * q }
  for _, m in ipairs(months) do
    -- every kind of the bureau's own visits in one query (head offices are the province's)
    for _, r in ipairs((ob.visits_status(p, { "regular", "center", "leadership" }, y, m, "9999-12-31", true))) do
      local b = r.city or "?"
      local e = t[b] or { short = {}, any = false }
      t[b] = e
      if r.made > 0 or (r.last_visit and r.last_visit >= string.format("%04d-01-01", y)) then e.any = true end
      local judged = r.status ~= "not computed" and (r.per == "month" or (r.per == "year" and q == 4 and m == 12))
      if judged and r.made < r.required then e.short[r.code] = true end
    end
  end
  for _, e in pairs(t) do
    local n = 0
    for _ in pairs(e.short) do n = n + 1 end
    e.n = n
  end
  return t
end

-- The assessment of every city bureau for quarter q of year y: {quarter, grade_years,
-- bureaus = {{bureau, items, score, max, assessed_base}}}.
function M.assess(p, y, q)
  local bar, a = p.numbers.assessment, p.numbers.assessment_items
  if type(bar) ~= "table" or type(a) ~= "table" then
    error(string.format("policy %s sets no assessment numbers (numbers.assessment, assessment_items)", p.name), 0)
  end
  local last_month = 3 * q
  local gy = ob.grade_year(string.format("%04d-12-31", y))
  if not gy then error(string.format("no year is graded at or before %d: the assessment counts graded key accounts", y), 0) end
  local gb = store.graded_year(gy - 1)
  gb = gb and gb.year or gy - 1
  local top = "," .. table.concat(a.top.grades, ",") .. ","
  local lines = p.revenue_lines and ("," .. table.concat(p.revenue_lines, ",") .. ",")
    or ",express,logistics,letters,parcels,savings,billing,philately,newspapers,same_city,international,freight,forwarding,"
  local rows = store.assessment_bureaus(gy, gb, y * 100 + 1, y * 100 + last_month, (y - 1) * 100 + 1,
    (y - 1) * 100 + last_month, top, lines)
  local visits = visits_by_bureau(p, y, q)
  local sym = {}
  for _, s in ipairs(store.symposiums_by_bureau(string.format("%04d-01-01", y), string.format("%04d-12-31", y))) do
    if s.bureau then sym[s.bureau] = s.held end
  end
  local any_symposium = next(sym) ~= nil
  local out = {}
  for _, r in ipairs(rows) do
    local items = {
      M.growth("count_growth", a.count_growth, r.count_now, r.count_before, "key accounts"),
      M.growth("revenue_growth", a.revenue_growth, r.revenue_now, r.revenue_before, "key-account revenue (fen)"),
      M.top(a.top, r.top_now, r.top_before, r.top_revenue_now, r.top_revenue_before),
    }
    if r.archives == 0 then
      items[#items + 1] = not_assessed("archives", a.archives.base, "kam holds no archive of this bureau's customers")
    else
      items[#items + 1] = per_account("archives", a.archives, r.archives_missing + r.archives_unfiled,
        string.format("account(s) without an archive (%d) or not filed (%d)", r.archives_missing, r.archives_unfiled))
    end
    items[#items + 1] = not_assessed("analysis", a.analysis.base, "kam holds no record of monthly analyses")
    local v = visits[r.bureau]
    if not v or not v.any then
      items[#items + 1] = not_assessed("visits", a.visits.base, "kam holds no visit of this bureau's key accounts")
    else
      items[#items + 1] = per_account("visits", a.visits, v.n, "account(s) visited below the required frequency")
    end
    if q ~= 4 then
      items[#items + 1] = not_assessed("symposiums", a.symposiums.base, "the year's bar is judged in Q4")
    elseif not any_symposium then
      items[#items + 1] = not_assessed("symposiums", a.symposiums.base, "kam holds no symposium of any bureau")
    else
      local held = sym[r.bureau] or 0
      local short = math.max(0, bar.symposiums_per_year - held)
      local it = per_account("symposiums", { base = a.symposiums.base, points_per_account = bar.points_per_missing_symposium },
        short, string.format("symposium(s) short of %d (held %d)", bar.symposiums_per_year, held))
      items[#items + 1] = it
    end
    items[#items + 1] = not_assessed("accuracy", a.accuracy.base, "kam holds no record of inaccuracies found")
    local score, max, base = 0, 0, 0
    for _, it in ipairs(items) do
      if it.status == "assessed" then score, max, base = score + it.score, max + it.max, base + it.base end
    end
    out[#out + 1] = { bureau = r.bureau, items = items, score = score, max = max, assessed_base = base,
      figures = r }
  end
  return { quarter = string.format("%dQ%d", y, q), grade_year = gy, grade_year_before = gb, policy = p.name,
    bureaus = out }
end

return M
