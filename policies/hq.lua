-- Head office: 邮政总部客户管理制度 (seed 004, 二、客户分类与分级管理).  Policy contract v1.
-- Money in integer fen; reasons in English.
--
-- The document grades customers Diamond / Platinum / Gold / Ordinary (钻石级 白金级 黄金级
-- 普通级) from business volume (业务量), spend (消费金额), years of cooperation (合作年限),
-- credit (信用状况) and potential (发展潜力), and gives no numbers (DOMAIN §3.4).
--
-- Numbers chosen by kam, not by the head office document:
--   * Membership: an agreement (签订协议), or annual revenue ≥ 10,000.00 yuan (1万元), the
--     bar the three other rule sets share (Hubei art. 3, Shantou and the city bureau).
--   * The grade is a points score out of 100, in whole points, so no rounding arises:
--     - spend, 40 points (the document names it first with volume, and revenue is what the
--       other rule sets grade on): ≥ 1,000,000.00 → 40; [500,000.00, 1,000,000.00) → 30;
--       [100,000.00, 500,000.00) → 20; [10,000.00, 100,000.00) → 10; below → 0.  The edges
--       are the ones Shantou and the city bureau use (100万, 50万, 10万, 1万).
--     - business volume in pieces, 25 points: ≥ 100,000 → 25; [50,000, 100,000) → 20;
--       [10,000, 50,000) → 12; [2,000, 10,000) → 6; below → 0.  At 10-20 yuan a piece of
--       express these sit near the spend edges, so volume confirms spend rather than
--       doubling it; letters-heavy customers earn here what their low prices lose above.
--     - years of cooperation, 15 points ("合作关系稳定"): the calendar years from the year
--       of the customer's first ledger month to the grading year, both counted (a customer
--       since 2021 has 5 years in 2025): ≥ 5 → 15; 3-4 → 10; 2 → 5; 1 or none → 0.  The
--       ledger's first month (f.first_month, fact group "history") is the only start date
--       kam has; an older relationship kept outside the ledger is not seen.
--     - potential and strategic weight, 20 points ("具有重要战略意义"): the better of the
--       customer's important-account and potential-account levels, network-wide counting
--       as provincial: province → 20; city → 12; county → 6; none → 0.
--     - credit: not scored yet.  Arrears are not among the facts a policy receives; until
--       they are, credit weighs 0 and every grade's reasons say so.
--   * Grades on the score, lower bound included: Diamond ≥ 80; Platinum [60, 80);
--     Gold [40, 60); Ordinary < 40.  Diamond needs top spend and volume with a stable
--     relationship (40 + 25 + 15), or strategic weight to make up for less.
--   * fluctuation_pct = 30, from DOMAIN §8 (the monthly analysis every rule set shares).
--
-- The grading flow (分级评定流程): departments collect the data, a preliminary grade is
-- proposed (初步评估), the customer-management department (客户管理部门) reviews and may
-- adjust it, and that is final.  Here grade() is the preliminary grade; the department's
-- adjustment is the override "review", recorded with who made it and why.

local function yuan(n) return n * 100 end

local T = {
  member_revenue = yuan(10000),
  spend = {                                 -- 消费金额, 40 points
    {from = yuan(1000000), points = 40},
    {from = yuan(500000), points = 30},
    {from = yuan(100000), points = 20},
    {from = yuan(10000), points = 10},
  },
  volume = {                                -- 业务量 (pieces), 25 points
    {from = 100000, points = 25},
    {from = 50000, points = 20},
    {from = 10000, points = 12},
    {from = 2000, points = 6},
  },
  years = {                                 -- 合作年限, 15 points
    {from = 5, points = 15},
    {from = 3, points = 10},
    {from = 2, points = 5},
  },
  potential = {province = 20, city = 12, county = 6},   -- 发展潜力, 20 points
  grade_bars = {
    {from = 80, grade = "diamond", text = "≥ 80"},        -- 钻石级
    {from = 60, grade = "platinum", text = "[60, 80)"},   -- 白金级
    {from = 40, grade = "gold", text = "[40, 60)"},       -- 黄金级
  },
  ordinary_text = "< 40",                                 -- 普通级
}

local LEVEL = {province = "provincial", city = "prefecture", county = "county"}

-- n >= 0 with thousands separators: 1234567 -> "1,234,567".
local function grouped(n)
  local text = ""
  while n >= 1000 do
    text = string.format(",%03d%s", n % 1000, text)
    n = n // 1000
  end
  return string.format("%d%s", n, text)
end

-- Money as yuan, "1,234,567.89": the sandbox's shared formatter (integer fen, exact).
local money = kam.yuan

-- A whole number of pieces with thousands separators.
local function count(n)
  if n < 0 then return "-" .. grouped(-n) end
  return grouped(n)
end

local P = {
  name = "hq",
  title = "邮政总部客户管理制度",
  version = "2025.1",
  grades = {"diamond", "platinum", "gold", "ordinary"},   -- 钻石级 白金级 黄金级 普通级
  needs = {"history", "volume"},   -- first_month (years of cooperation) and volume (pieces)
}

P.numbers = {
  fluctuation_pct = 30,                    -- DOMAIN §8 (chosen by kam, see above)
  -- own keys for the monthly reports (kam report, DOMAIN §8-9), chosen by kam (no seed
  -- gives them): the top 10 of §8; a key account with no revenue for 3 months is lost.
  top_accounts = 10,
  churn_months = 3,
  -- own keys (DOMAIN §9): the seeds of this policy route no loss, so kam takes Hubei's
  -- rule: the top grade's loss to the province, the others' to the city bureau subject to
  -- the province's approval; what follows a cause as DOMAIN §9 says.
  churn_handled_by = {
    diamond = "省公司 (the province)",
    platinum = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    gold = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    ordinary = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
  },
  churn_follow_up = {
    customer = "书面报告上级 (a written report to the level above)",
    network = "书面报告上级 (a written report to the level above)",
    service = "及时更换客户经理 (the customer manager is replaced promptly)",
    other = "书面报告上级 (a written report to the level above)",
  },
  -- own keys (DOMAIN §5, §6, §11), kam's choices: the seed sets no answer time for a
  -- discount (Hubei's 3 days taken), no local standard (the better the grade the deeper,
  -- every line), no complaint deadline (在规定时限内: 7 days).
  approval_days = 3,
  discount_local_pct = {
    diamond = {all = 20}, platinum = {all = 15}, gold = {all = 10}, ordinary = {all = 5},
  },
  -- own key (DOMAIN §5): the levels that answer discount requests and which requests each
  -- may answer: the local level those within the local standard, the level above any.
  discount_levels = {
    ["local"] = {title = "customer-management department (客户管理部门)", answers = {"local"}},
    province = {title = "head office (总部)", answers = {"local", "province"}},
  },
  complaint_days = 7,
  complaint_escalated_days = 3,   -- own key, kam's choice as in hubei.lua: the level above answers within 3 days
  -- own keys, kam's choices as in hubei.lua (the seeds name the rules, not the numbers):
  -- credit stop from the day after an unpaid due date, agency finance (储汇) never on credit
  -- and left out of the revenue the share is taken of, ageing buckets of 30/90/180/365 days.
  arrears = {max_share_pct = 5, revenue_excludes = {"savings"}, stop_after_days = 0,
             never_on_credit = {"savings"}, ageing_days = {30, 90, 180, 365},
             -- warnings (预警) as hubei.lua chose: over 90 days past due or 100,000.00 overdue
             warn_days = 90, warn_amount = yuan(100000)},
  managers = {diamond = {dedicated = true}},   -- 钻石级: 配备专属的客户服务团队, 一对一
}

P.overrides = {
  -- 客户管理部门对分级建议进行审核和调整,确定最终客户级别
  review = {title = "客户管理部门审核调整", grades = {"diamond", "platinum", "gold", "ordinary"},
            needs_until = false, approval = false},
}

-- Membership ----------------------------------------------------------------------------

function P.member(f, ctx)
  local reasons = {}
  if f.agreement then
    reasons[#reasons + 1] = "§3.4 (kam's choice): signed an agreement"
  end
  if f.revenue >= T.member_revenue then
    reasons[#reasons + 1] = string.format("§3.4 (kam's choice): annual revenue %s ≥ %s", money(f.revenue),
                                          money(T.member_revenue))
  end
  if #reasons > 0 then return true, reasons end
  return false, {string.format("§3.4 (kam's choice): no agreement, annual revenue %s < %s", money(f.revenue),
                               money(T.member_revenue))}
end

-- Points ----------------------------------------------------------------------------------

-- Points from a table of lower bounds (best first), and the band as text.
local function band_points(bands, value, show)
  for i, band in ipairs(bands) do
    if value >= band.from then
      if i == 1 then return band.points, "≥ " .. show(band.from) end
      return band.points, string.format("in [%s, %s)", show(band.from), show(bands[i - 1].from))
    end
  end
  return 0, "under " .. show(bands[#bands].from)
end

function P.spend_points(fen) return band_points(T.spend, fen, money) end
function P.volume_points(pieces) return band_points(T.volume, pieces, count) end

-- Calendar years from the first ledger month's year to `year`, both counted; 0 when none.
function P.years_of_cooperation(first_month, year)
  if first_month == nil then return 0 end
  local years = year - first_month // 100 + 1
  return years > 0 and years or 0
end

function P.years_points(years)
  return band_points(T.years, years, function(n) return string.format("%d years", n) end)
end

-- The better of the important / potential levels (network-wide counts as provincial).
function P.potential_points(f)
  local best, why = 0, "no important, potential or network-wide status"
  local function consider(points, text)
    if points > best then best, why = points, text end
  end
  if f.network_wide then consider(T.potential.province, "network-wide customer, counted as provincial") end
  if f.important then consider(T.potential[f.important], LEVEL[f.important] .. "-level important account") end
  if f.potential then consider(T.potential[f.potential], LEVEL[f.potential] .. "-level potential account") end
  return best, why
end

function P.grade_of_score(score)
  for _, bar in ipairs(T.grade_bars) do
    if score >= bar.from then return bar.grade, bar.text end
  end
  return "ordinary", T.ordinary_text
end

-- The preliminary grade --------------------------------------------------------------------

function P.grade(f, ctx)
  local year = ctx and ctx.year or f.year
  local reasons = {}
  local sp, stext = P.spend_points(f.revenue)
  reasons[#reasons + 1] = string.format("§3.4: spend (消费金额) %s %s → %d of 40 points", money(f.revenue), stext, sp)
  local vp, vtext = P.volume_points(f.volume)
  reasons[#reasons + 1] = string.format("§3.4: business volume (业务量) %s pieces %s → %d of 25 points",
                                        count(f.volume), vtext, vp)
  local years = P.years_of_cooperation(f.first_month, year)
  local yp, ytext = P.years_points(years)
  local since = "no ledger month"
  if f.first_month then
    since = string.format("%d to %d, first ledger month %d-%02d", f.first_month // 100, year,
                          f.first_month // 100, f.first_month % 100)
  end
  reasons[#reasons + 1] = string.format("§3.4: years of cooperation (合作年限): %d (%s) %s → %d of 15 points",
                                        years, since, ytext, yp)
  local pp, ptext = P.potential_points(f)
  reasons[#reasons + 1] = string.format("§3.4: potential (发展潜力): %s → %d of 20 points", ptext, pp)
  reasons[#reasons + 1] = "§3.4: credit (信用状况) not scored yet: arrears are not among the facts"
  local score = sp + vp + yp + pp
  local grade, range = P.grade_of_score(score)
  reasons[#reasons + 1] = string.format("§3.4: preliminary grade (初步评估) %d = %d + %d + %d + %d points %s → %s; "
                                        .. "the customer-management department (客户管理部门) may adjust it",
                                        score, sp, vp, yp, pp, range, grade)
  return grade, score, reasons
end

-- The department's review (审核和调整) ------------------------------------------------------

-- No pattern functions in a policy: they may leave the sandbox's allow-list.
local function blank(s)
  if type(s) ~= "string" then return true end
  for i = 1, #s do
    local b = s:byte(i)
    if b ~= 32 and (b < 9 or b > 13) then return false end
  end
  return true
end

function P.check_override(o, f, ctx)
  if o.kind ~= "review" then
    return false, string.format("hq accepts only 'review' overrides, not '%s'", tostring(o.kind))
  end
  local known = false
  for _, g in ipairs(P.grades) do known = known or g == o.grade end
  if not known then
    return false, string.format("§3.4: a review sets one of diamond, platinum, gold, ordinary, not '%s'", tostring(o.grade))
  end
  if blank(o.reason) then
    return false, "§3.4: the customer-management department's adjustment must say why"
  end
  if blank(o.by) then
    return false, "§3.4: the customer-management department's adjustment must name who made it"
  end
  return true
end

-- Examples ------------------------------------------------------------------------------

local ex_ctx = {year = 2025, as_of = "2026-01-15", policy = "hq"}

P.examples = {
  -- membership
  {name = "member: an agreement alone", facts = {agreement = true}, member = true, grade = "ordinary", reason = "signed an agreement"},
  {name = "member: 10,000.00 without agreement", facts = {revenue = yuan(10000)}, member = true, reason = "annual revenue 10,000.00 ≥ 10,000.00"},
  {name = "member: 9,999.99 without agreement is not", facts = {revenue = yuan(10000) - 1}, member = false, grade = "none", reason = "9,999.99 < 10,000.00"},
  -- whole grades
  {name = "diamond: top spend, volume and 5 years", facts = {revenue = yuan(1000000), volume = 100000, first_month = 202101}, grade = "diamond", score = 80, reason = "80 = 40 + 25 + 15 + 0 points ≥ 80 → diamond"},
  {name = "platinum: top spend and volume, 4 years", facts = {revenue = yuan(1000000), volume = 100000, first_month = 202201}, grade = "platinum", score = 75},
  {name = "platinum: 500,000.00, 50,000 pieces, 5 years", facts = {revenue = yuan(500000), volume = 50000, first_month = 201903}, grade = "platinum", score = 65},
  {name = "platinum: 500,000.00, 50,000 pieces, new, provincial potential", facts = {revenue = yuan(500000), volume = 50000, potential = "province", first_month = 202506}, grade = "platinum", score = 70},
  {name = "gold: 100,000.00, 10,000 pieces, 2 years, county important", facts = {revenue = yuan(100000), volume = 10000, first_month = 202412, important = "county"}, grade = "gold", score = 43},
  {name = "gold: 100,000.00, 10,000 pieces, 3 years", facts = {revenue = yuan(100000), volume = 10000, first_month = 202301}, grade = "gold", score = 42},
  {name = "ordinary: 20,000.00, 2,000 pieces, 2 years", facts = {revenue = yuan(20000), volume = 2000, first_month = 202401}, grade = "ordinary", score = 21},
  {name = "diamond by strategic weight", facts = {revenue = yuan(600000), volume = 60000, first_month = 202001, important = "province"}, grade = "diamond", score = 85},
  {name = "network-wide counts as provincial", facts = {agreement = true, network_wide = true}, grade = "ordinary", score = 20, reason = "network-wide customer, counted as provincial → 20 of 20 points"},
  {name = "credit is said to be unscored", facts = {agreement = true}, grade = "ordinary", reason = "credit (信用状况) not scored yet"},
  {name = "volume shown with separators", facts = {revenue = yuan(20000), volume = 1234567}, reason = "business volume (业务量) 1,234,567 pieces ≥ 100,000 → 25 of 25 points"},
  {name = "years shown from the first ledger month", facts = {revenue = yuan(20000), first_month = 202103}, reason = "years of cooperation (合作年限): 5 (2021 to 2025, first ledger month 2021-03) ≥ 5 years → 15 of 15 points"},
  -- grade bands on the score
  {name = "score 100 is diamond", fn = "grade_of_score", args = {100}, result = "diamond"},
  {name = "score 80 is diamond", fn = "grade_of_score", args = {80}, result = "diamond"},
  {name = "score 79 is platinum", fn = "grade_of_score", args = {79}, result = "platinum"},
  {name = "score 60 is platinum", fn = "grade_of_score", args = {60}, result = "platinum"},
  {name = "score 59 is gold", fn = "grade_of_score", args = {59}, result = "gold"},
  {name = "score 40 is gold", fn = "grade_of_score", args = {40}, result = "gold"},
  {name = "score 39 is ordinary", fn = "grade_of_score", args = {39}, result = "ordinary"},
  {name = "score 0 is ordinary", fn = "grade_of_score", args = {0}, result = "ordinary"},
  -- cooperation years
  {name = "years: first month in the grading year is 1", fn = "years_of_cooperation", args = {202507, 2025}, result = 1},
  {name = "years: since January 2021 is 5 in 2025", fn = "years_of_cooperation", args = {202101, 2025}, result = 5},
  {name = "years: since December 2021 is 5 in 2025", fn = "years_of_cooperation", args = {202112, 2025}, result = 5},
  {name = "years: no ledger month is 0", fn = "years_of_cooperation", args = {nil, 2025, n = 2}, result = 0},
  {name = "years: a first month after the year is 0", fn = "years_of_cooperation", args = {202603, 2025}, result = 0},
  {name = "override: review by the department is accepted", fn = "check_override", args = {{kind = "review", grade = "platinum", reason = "strategic partner of the provincial government", by = "客户管理部 李"}, {agreement = true, revenue = yuan(300000), volume = 0}, ex_ctx}, result = true},
  {name = "override: review without a reason is refused", fn = "check_override", args = {{kind = "review", grade = "gold", reason = "  ", by = "李"}, {agreement = true, revenue = yuan(300000), volume = 0}, ex_ctx}, result = false, reason = "must say why"},
  {name = "override: review without who is refused", fn = "check_override", args = {{kind = "review", grade = "gold", reason = "volume under-reported in 2025"}, {agreement = true, revenue = yuan(300000), volume = 0}, ex_ctx}, result = false, reason = "must name who"},
  {name = "override: review to an unknown grade is refused", fn = "check_override", args = {{kind = "review", grade = "vip", reason = "x", by = "李"}, {agreement = true, revenue = 0, volume = 0}, ex_ctx}, result = false, reason = "not 'vip'"},
  {name = "override: another kind is refused", fn = "check_override", args = {{kind = "cultivation", grade = "gold", ["until"] = "2026-06-30", reason = "x", by = "李"}, {agreement = true, revenue = 0, volume = 0}, ex_ctx}, result = false, reason = "only 'review'"},
}

local function add(example) P.examples[#P.examples + 1] = example end

-- Each points band's lower edge and one unit under it.
for _, c in ipairs({
  {yuan(1000000), 40}, {yuan(1000000) - 1, 30}, {yuan(500000), 30}, {yuan(500000) - 1, 20},
  {yuan(100000), 20}, {yuan(100000) - 1, 10}, {yuan(10000), 10}, {yuan(10000) - 1, 0}, {yuan(-100), 0},
}) do
  add({name = string.format("spend points: %d fen → %d", c[1], c[2]), fn = "spend_points", args = {c[1]}, result = c[2]})
end
for _, c in ipairs({
  {100000, 25}, {99999, 20}, {50000, 20}, {49999, 12}, {10000, 12}, {9999, 6}, {2000, 6}, {1999, 0}, {0, 0},
}) do
  add({name = string.format("volume points: %d pieces → %d", c[1], c[2]), fn = "volume_points", args = {c[1]}, result = c[2]})
end
for _, c in ipairs({{6, 15}, {5, 15}, {4, 10}, {3, 10}, {2, 5}, {1, 0}, {0, 0}}) do
  add({name = string.format("years points: %d → %d", c[1], c[2]), fn = "years_points", args = {c[1]}, result = c[2]})
end
for _, c in ipairs({
  {{important = "province"}, 20}, {{potential = "city"}, 12}, {{important = "county"}, 6}, {{}, 0},
  {{network_wide = true}, 20}, {{important = "county", potential = "city"}, 12},
}) do
  add({name = string.format("potential points: %s → %d", c[1].important or c[1].potential or
                            (c[1].network_wide and "network-wide") or "none", c[2]) ..
                            (c[1].important and c[1].potential and " (the better of two)" or ""),
       fn = "potential_points", args = {c[1]}, result = c[2]})
end

return P
