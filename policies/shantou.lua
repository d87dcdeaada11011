-- Shantou key accounts: 汕头邮政营销体系建设实施方案(试行), seed 002 (大客户界定及分级标准).
-- DOMAIN.md §1 (three-way membership), §3.2 (weighted score, responsibility units) and §4
-- decide where the seed is vague.  Policy contract v1.  Money in integer fen, shares by
-- cross-multiplication, the score in tenths: no floating point anywhere in a decision.
-- Reasons in English.
--
-- When kam grades year Y, "last year" (上年) is Y itself (f.revenue, f.by_line) and "this
-- month" (当月) is December of Y (f.december, f.december_by_line).
--
-- 信用度 (credit) is named by the seed with "暂不考虑该项指标": it carries no weight here.

local function yuan(n) return n * 100 end

local T = {
  -- §1 rule (2): 上年综合业务收入达到1万元, 当月综合业务收入达到0.1万元
  member = {year = yuan(10000), month = yuan(1000)},
  -- §1 rule (3): 专业大客户, 上年 / 当月对邮政业务的贡献; both halves must hold
  line_bars = {
    {line = "savings", title = "savings & remittance (储汇)", year = yuan(20000), month = yuan(2000)},
    {line = "billing", title = "billing (帐单)", year = yuan(50000), month = yuan(5000)},
    {line = "letters", title = "letters (函件)", year = yuan(12000), month = yuan(1000)},
    {line = "philately", title = "philately (集邮)", year = yuan(40000), month = yuan(3500)},
    {line = "express", title = "express (特快)", year = yuan(20000), month = yuan(2000)},
    {line = "logistics", title = "logistics (物流)", year = yuan(50000), month = yuan(5000)},
    {line = "parcels", title = "parcels (包件)", year = yuan(10000), month = yuan(1000)},
    -- 报刊(流转额): the seed computes a month's newspaper revenue as 全年流转额 × 平均费率 / 12
    -- + 其它收入; kam takes the ledger's newspapers line as that figure.
    {line = "newspapers", title = "newspapers & periodicals (报刊)", year = yuan(20000), month = yuan(2000)},
  },
  -- §3.2 业务收入 (60%): 该客户全年邮政各项业务收入总和; below the last bar: 0 points
  revenue_points = {
    {from = yuan(1500000), points = 100},   -- 用邮费用150万以上
    {from = yuan(1000000), points = 90},    -- 100-150万
    {from = yuan(500000), points = 80},     -- 50-100万
    {from = yuan(300000), points = 70},     -- 30-50万
    {from = yuan(100000), points = 60},     -- 10-30万
  },
  -- §3.2 收入比重 (40%): share of the whole bureau's annual revenue (占全局年收入的比重): the
  -- city bureau's, all postal revenue, one denominator for every customer, those in the
  -- city's counties included (f.city_revenue).  In parts per ten thousand (万分之); below
  -- the last bar: 0 points
  share_points = {
    {per_10000 = 30, text = "3‰", points = 100},    -- 千分之三以上
    {per_10000 = 10, text = "1‰", points = 80},     -- 千分之一以上
    {per_10000 = 5, text = "0.5‰", points = 60},    -- 万分之五以上
    {per_10000 = 1, text = "0.1‰", points = 40},    -- 万分之一以上
  },
  weight_tenths = {revenue = 6, share = 4},          -- 权重 60% / 40%
  -- §3.2 grades, on the score in tenths; a band includes its lower bound
  grade_bars = {
    {from = 900, grade = "diamond", text = "≥ 90"},      -- 钻石客户: 90分以上(含90分)
    {from = 750, grade = "gold", text = "[75, 90)"},     -- 黄金客户: 75-90分(含75分)
    {from = 650, grade = "silver", text = "[65, 75)"},   -- 白银客户: 65-75分(含65分)
  },
  general_text = "< 65",                                 -- 一般客户: 65分以下
}

-- 责任单位 (§3.2 last paragraph).  The seed's table reads: 钻石客户 → 省局市场部大客户中心;
-- 区域钻石客户、综合黄金客户 → 市局大客户中心; 区域黄金客户、综合白银客户 → 县、区(分)局
-- 大客户中心; 专业黄金客户、专业白银客户 → 专业局; 一般大客户 → 支局、班组.
--
-- The reading kam takes: "regional" (区域性, f.reach == "regional": one city) moves a
-- customer one unit down from its grade's usual unit, the way each row pairs "regional X"
-- with "comprehensive X-1".  So a Diamond is the provincial center's unless it is regional
-- (then the city center's): the bare "Diamond" row is the rule and "regional Diamond" its
-- exception, and a province-wide customer spans cities no city center can own.  A Gold is
-- the city center's, or the county center's when regional; a Silver the county center's.
-- Specialty (专业: a customer that meets a business-line bar of §1 rule (3), the seed's own
-- definition 达到以下专业收入的客户,称为专业大客户; DOMAIN §1) Gold and Silver go to the
-- specialty bureau whatever their reach, since the specialty bureau owns specialty
-- customers (seed: 专业局 主要负责专业大客户的开发与关系维护).  A refund of a fen on another
-- line changes nothing.  A customer whose reach is not recorded is not treated as regional.
local UNITS = {
  province_center = "provincial key-account center (省局市场部大客户中心)",
  city_center = "city key-account center (市局大客户中心)",
  county_center = "county/district key-account center (县、区(分)局大客户中心)",
  specialty_bureau = "specialty bureau (专业局)",
  branch = "branch (支局、班组)",
}

local GRADE_TITLE = {diamond = "Diamond", gold = "Gold", silver = "Silver", general = "General"}

-- Money as yuan, "1,234,567.89": the sandbox's shared formatter (integer fen, exact).
local money = kam.yuan

-- tenths -> "88" or "68.2"
local function tenths_text(t)
  if t % 10 == 0 then return string.format("%d", t // 10) end
  return string.format("%d.%d", t // 10, t % 10)
end

local P = {
  name = "shantou",
  title = "汕头邮政营销体系建设实施方案(试行)",
  version = "2026.1",
  grades = {"diamond", "gold", "silver", "general"},   -- 钻石 黄金 白银 一般
  needs = {"by_line", "bureau"},   -- line bars and breadth; the city bureau's annual revenue
}

-- The seed gives no visit or archive frequencies for Shantou.
P.numbers = {
  fluctuation_pct = 30,                   -- 月业务量波动幅度超过30% must be explained (DOMAIN §8)
  -- own keys for the monthly reports (kam report, DOMAIN §8-9), chosen by kam (no seed
  -- gives them): the top 10 of §8; a key account with no revenue for 3 months is lost.
  top_accounts = 10,
  churn_months = 3,
  -- own keys (DOMAIN §9): the seeds of this policy route no loss, so kam takes Hubei's
  -- rule: the top grade's loss to the province, the others' to the city bureau subject to
  -- the province's approval; what follows a cause as DOMAIN §9 says.
  churn_handled_by = {
    diamond = "省公司 (the province)",
    gold = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    silver = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    general = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
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
    diamond = {all = 15}, gold = {all = 10}, silver = {all = 5},
  },
  -- own key (DOMAIN §5): the levels that answer discount requests and which requests each
  -- may answer: the local level those within the local standard, the level above any.
  discount_levels = {
    ["local"] = {title = "city center (市局大客户中心)", answers = {"local"}},
    province = {title = "provincial center (省局大客户中心)", answers = {"local", "province"}},
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
  -- own key: how long a registration of a prospect stands (DOMAIN §7: 登记 before developing it).
  -- No seed gives a period: kam chooses 180 calendar days, counted from the day after the
  -- claim ("by day N" includes day N); the team renews it by claiming again once released.
  registration_days = 180,
  managers = {ab_pair_from = "silver"},   -- 白银以上大客户 实施主辅制(AB角) (开发管理规定 (4))
}

-- 对收入无法达到要求的特殊客户,经省局大客户中心批准,可列为钻石客户.
P.overrides = {
  approved_diamond = {title = "省局大客户中心批准的钻石客户", grades = {"diamond"}, needs_until = false,
                      approval = true},
}

-- §1 --------------------------------------------------------------------------------

local function line_reached(f, bar)
  local year = f.by_line[bar.line] or 0
  local month = f.december_by_line[bar.line] or 0
  return year >= bar.year and month >= bar.month, year, month
end

local function line_text(f, bar, year, month)
  return string.format("%s %d %s / December %s (bar %s / %s)", bar.title, f.year, money(year),
                       money(month), money(bar.year), money(bar.month))
end

function P.member(f, ctx)
  local reasons = {}
  if f.agreement then
    reasons[#reasons + 1] = "§1 rule (1): signed an agreement (与邮政企业签订业务协议)"
  end
  local totals = string.format("revenue %d %s / December %s (bar %s / %s)", f.year, money(f.revenue),
                               money(f.december), money(T.member.year), money(T.member.month))
  if f.revenue >= T.member.year and f.december >= T.member.month then
    reasons[#reasons + 1] = "§1 rule (2): " .. totals
  end
  local misses = {}
  for _, bar in ipairs(T.line_bars) do
    local reached, year, month = line_reached(f, bar)
    if reached then
      reasons[#reasons + 1] = "§1 rule (3): specialty (专业) key account of " .. line_text(f, bar, year, month)
    elseif year ~= 0 or month ~= 0 then
      misses[#misses + 1] = line_text(f, bar, year, month)
    end
  end
  if #reasons > 0 then return true, reasons end
  reasons[1] = "§1 rule (1): no signed agreement"
  reasons[2] = "§1 rule (2): not both reached: " .. totals
  if #misses > 0 then
    reasons[3] = "§1 rule (3): no business line reaches both bars: " .. table.concat(misses, "; ")
  else
    reasons[3] = "§1 rule (3): no revenue on the eight business lines with bars"
  end
  return false, reasons
end

-- §3.2 ------------------------------------------------------------------------------

-- Revenue points of an annual revenue (fen), and the band as text.
function P.revenue_points(fen)
  local bands = T.revenue_points
  for i, band in ipairs(bands) do
    if fen >= band.from then
      local range = i == 1 and string.format("≥ %s", money(band.from))
        or string.format("in [%s, %s)", money(band.from), money(bands[i - 1].from))
      return band.points, range
    end
  end
  return 0, string.format("under %s", money(bands[#bands].from))
end

-- Share points of revenue (fen) in a bureau's annual revenue (fen), and the band as text.
-- revenue / bureau >= n / 10000  <=>  revenue * 10000 >= bureau * n  (bureau > 0).
function P.share_points(revenue, bureau)
  if bureau <= 0 then return 0, "no share: the bureau's annual revenue is not positive" end
  if revenue <= 0 then return 0, "no share: the revenue is not positive" end
  local bands = T.share_points
  for i, band in ipairs(bands) do
    if revenue * 10000 >= bureau * band.per_10000 then
      local range = i == 1 and "≥ " .. band.text or string.format("in [%s, %s)", band.text, bands[i - 1].text)
      return band.points, range
    end
  end
  return 0, "under " .. bands[#bands].text
end

local function score_tenths(rp, sp)
  return T.weight_tenths.revenue * rp + T.weight_tenths.share * sp
end

-- The score as a number: an integer when whole (86), else one decimal (67.6).
function P.score(rp, sp)
  local t = score_tenths(rp, sp)
  if t % 10 == 0 then return t // 10 end
  return t / 10
end

function P.grade_of_score_tenths(t)
  for _, bar in ipairs(T.grade_bars) do
    if t >= bar.from then return bar.grade, bar.text end
  end
  return "general", T.general_text
end

-- The business line whose bar of rule (3) the customer meets (the one with the most
-- revenue where it meets several), or nil: a specialty (专业) key account's specialty.
function P.specialty(f)
  local best, best_year = nil, nil
  for _, bar in ipairs(T.line_bars) do
    local reached, year = line_reached(f, bar)
    if reached and (best == nil or year > best_year) then best, best_year = bar, year end
  end
  return best and best.line or nil, best
end

-- The responsible unit for a grade (see UNITS above for the reading), its title, and why.
function P.responsibility(f, grade)
  local regional = f.reach == "regional"
  local line, bar = P.specialty(f)
  local specialty = line ~= nil
  local g = GRADE_TITLE[grade] or tostring(grade)
  if grade == "diamond" then
    if regional then return "city_center", UNITS.city_center, "regional Diamond" end
    return "province_center", UNITS.province_center, "Diamond (not regional)"
  elseif grade == "gold" or grade == "silver" then
    if specialty then
      return "specialty_bureau", UNITS.specialty_bureau, "specialty " .. g .. " (meets the bar of " .. bar.title .. ")"
    end
    if grade == "gold" and regional then return "county_center", UNITS.county_center, "regional Gold" end
    if grade == "gold" then return "city_center", UNITS.city_center, "comprehensive Gold (not regional)" end
    return "county_center", UNITS.county_center, "comprehensive Silver"
  end
  return "branch", UNITS.branch, "General"
end

-- Per-mille with two decimals, truncated, for the reasons only.
local function permille_text(revenue, bureau)
  if revenue <= 0 or bureau <= 0 then return "" end
  local hundredths = revenue * 100000 // bureau
  return string.format(" (%d.%02d‰)", hundredths // 100, hundredths % 100)
end

local function bureau_reasons(f, reasons)
  if f.city_revenue_entered == false then
    reasons[#reasons + 1] = string.format("§3.2: no annual revenue was entered for bureau %s in %d; the ledger "
                                          .. "total %s of its customers (its counties' included) stood in",
                                          f.city or "?", f.year, money(f.city_revenue))
  end
end

function P.grade(f, ctx)
  local reasons = {}
  local rp, rtext = P.revenue_points(f.revenue)
  reasons[#reasons + 1] = string.format("§3.2: annual revenue %s %s → %d revenue points (weight 60%%)",
                                        money(f.revenue), rtext, rp)
  local whole = f.city_revenue or 0
  local sp, stext = P.share_points(f.revenue, whole)
  reasons[#reasons + 1] = string.format("§3.2: share of the whole bureau %s's annual revenue: %s of %s%s, %s → %d "
                                        .. "share points (weight 40%%)", f.city or "?", money(f.revenue),
                                        money(whole), permille_text(f.revenue, whole), stext, sp)
  bureau_reasons(f, reasons)
  local t = score_tenths(rp, sp)
  local grade, range = P.grade_of_score_tenths(t)
  reasons[#reasons + 1] = string.format("§3.2: score 0.6 × %d + 0.4 × %d = %s → %s %s", rp, sp, tenths_text(t),
                                        grade, range)
  local unit_key, unit, why = P.responsibility(f, grade)
  reasons[#reasons + 1] = string.format("§3.2: responsibility unit (责任单位): %s, for a %s customer", unit, why)
  -- Labels: what follows from the grade, kept beside it (DOMAIN §1 breadth, §3.2 unit).
  local line = P.specialty(f)
  return grade, P.score(rp, sp), reasons,
         {breadth = line and "specialty" or "comprehensive", specialty = line, unit = unit_key}
end

function P.check_override(o, f, ctx)
  if o.kind ~= "approved_diamond" then
    return false, string.format("shantou accepts only 'approved_diamond' overrides, not '%s'", tostring(o.kind))
  end
  if o.grade ~= "diamond" then
    return false, string.format("§3.2: the provincial center may approve a special customer as diamond only, "
                                .. "not '%s'", tostring(o.grade))
  end
  return true
end

-- Examples ---------------------------------------------------------------------------

local ex_ctx = {year = 2025, as_of = "2026-01-15", policy = "shantou"}
local B = yuan(100000000)   -- a bureau with 100,000,000.00 a year: 3‰ = 300,000.00

P.examples = {
  -- §1 rules (1) and (2)
  {name = "rule 1: an agreement alone makes a member", facts = {agreement = true}, member = true, grade = "general", reason = "signed an agreement"},
  {name = "rule 2: 10,000.00 and December 1,000.00", facts = {revenue = yuan(10000), december = yuan(1000)}, member = true, reason = "revenue 2025 10,000.00 / December 1,000.00"},
  {name = "rule 2: 9,999.99 and December 1,000.00 is not", facts = {revenue = yuan(10000) - 1, december = yuan(1000)}, member = false, grade = "none"},
  {name = "rule 2: 10,000.00 and December 999.99 is not", facts = {revenue = yuan(10000), december = yuan(1000) - 1}, member = false, grade = "none", reason = "not both reached"},
  {name = "rule 2: a big year with an empty December is not", facts = {revenue = yuan(250000), december = 0}, member = false, grade = "none"},
  -- §3.2 on facts
  {name = "gold: 612,345.00 of 150,000,000.00, province-wide comprehensive", facts = {revenue = yuan(612345), december = yuan(50000), lines = 3, reach = "province", city_revenue = yuan(150000000)}, grade = "gold", score = 88, reason = "score 0.6 × 80 + 0.4 × 100 = 88 → gold [75, 90)"},
  {name = "gold: share shown in per mille", facts = {revenue = yuan(612345), december = yuan(50000), lines = 3, city_revenue = yuan(150000000)}, grade = "gold", reason = "612,345.00 of 150,000,000.00 (4.08‰), ≥ 3‰ → 100 share points"},
  {name = "gold: province-wide comprehensive Gold is the city center's", facts = {revenue = yuan(612345), december = yuan(50000), lines = 3, reach = "province", city_revenue = yuan(150000000)}, grade = "gold", reason = "city key-account center (市局大客户中心), for a comprehensive Gold"},
  {name = "gold: regional Gold is the county center's", facts = {revenue = yuan(100000), december = yuan(9000), lines = 2, reach = "regional", city_revenue = yuan(20000000)}, grade = "gold", score = 76, reason = "county/district key-account center"},
  {name = "diamond: 1,500,000.00 at 3.75‰", facts = {revenue = yuan(1500000), december = yuan(120000), lines = 4, reach = "province", city_revenue = yuan(400000000)}, grade = "diamond", score = 100, reason = "provincial key-account center"},
  {name = "diamond: regional Diamond is the city center's", facts = {revenue = yuan(1500000), december = yuan(120000), lines = 4, reach = "regional", city_revenue = yuan(400000000)}, grade = "diamond", reason = "city key-account center (市局大客户中心), for a regional Diamond"},
  {name = "silver: 300,000.00 at 0.6‰, specialty", facts = {revenue = yuan(300000), december = yuan(30000), lines = 1, by_line = {express = yuan(300000)}, december_by_line = {express = yuan(30000)}, city_revenue = yuan(500000000)}, grade = "silver", score = 66, reason = "specialty bureau (专业局), for a specialty Silver (meets the bar of express (特快))", labels = {breadth = "specialty", specialty = "express", unit = "specialty_bureau"}},
  {name = "silver: one line under every bar is comprehensive", facts = {revenue = yuan(300000), december = yuan(30000), lines = 1, by_line = {same_city = yuan(300000)}, december_by_line = {same_city = yuan(30000)}, city_revenue = yuan(500000000)}, grade = "silver", reason = "county/district key-account center (县、区(分)局大客户中心), for a comprehensive Silver"},
  {name = "silver: a fen of refund on another line keeps a specialty", facts = {revenue = yuan(300000), december = yuan(30000), lines = 2, by_line = {express = yuan(300000) + 1, letters = -1}, december_by_line = {express = yuan(30000)}, city_revenue = yuan(500000000)}, grade = "silver", reason = "specialty bureau (专业局), for a specialty Silver"},
  {name = "gold: a county customer's share is of the whole city bureau", facts = {place = "county", county = "潮阳区", bureau = "潮阳区", revenue = yuan(300000), december = yuan(30000), city_revenue = yuan(100000000), bureau_revenue = yuan(1000000)}, grade = "gold", score = 82, reason = "share of the whole bureau 测试市's annual revenue: 300,000.00 of 100,000,000.00 (3.00‰)"},
  {name = "general: under 100,000.00 a high share is not enough", facts = {revenue = yuan(90000), december = yuan(8000), lines = 2, city_revenue = yuan(10000000)}, grade = "general", score = 40, reason = "branch (支局、班组)"},
  {name = "bureau revenue not entered: the reasons say so", facts = {revenue = yuan(100000), december = yuan(9000), lines = 2, city_revenue = yuan(20000000), city_revenue_entered = false}, grade = "gold", reason = "the ledger total 20,000,000.00 of its customers (its counties' included) stood in"},
  {name = "bureau revenue 0: no share points", facts = {revenue = yuan(100000), december = yuan(9000), city_revenue = 0}, grade = "general", score = 36, reason = "the bureau's annual revenue is not positive"},
  -- override: 经省局大客户中心批准 the special customer may be diamond
  {name = "approved diamond is accepted", fn = "check_override", args = {{kind = "approved_diamond", grade = "diamond", by = "张", approved_by = "省局大客户中心"}, {agreement = true, revenue = yuan(20000)}, ex_ctx}, result = true},
  {name = "approved gold is refused", fn = "check_override", args = {{kind = "approved_diamond", grade = "gold"}, {agreement = true, revenue = yuan(20000)}, ex_ctx}, result = false, reason = "diamond only"},
  {name = "unknown override kind is refused", fn = "check_override", args = {{kind = "cultivation", grade = "diamond"}, {agreement = true}, ex_ctx}, result = false, reason = "only 'approved_diamond'"},
}

local function add(example) P.examples[#P.examples + 1] = example end

-- §1 rule (3), each business line: both halves at the bar make a specialty member; one
-- fen under either half does not.  The totals stay at their default 0 so that rule (2)
-- cannot hold; with real data every line bar is above rule (2)'s, so rule (3) decides
-- alone only when refunds on other lines pull the totals down (the last case).
local line_cases = {
  {"savings", 20000, 2000}, {"billing", 50000, 5000}, {"letters", 12000, 1000},
  {"philately", 40000, 3500}, {"express", 20000, 2000}, {"logistics", 50000, 5000},
  {"parcels", 10000, 1000}, {"newspapers", 20000, 2000},
}
for _, c in ipairs(line_cases) do
  local line, year, month = c[1], yuan(c[2]), yuan(c[3])
  add({name = string.format("rule 3: %s at %d / %d", line, c[2], c[3]),
       facts = {by_line = {[line] = year}, december_by_line = {[line] = month}},
       member = true, grade = "general", reason = "specialty (专业) key account"})
  add({name = string.format("rule 3: %s a fen under %d a year", line, c[2]),
       facts = {by_line = {[line] = year - 1}, december_by_line = {[line] = month}},
       member = false, grade = "none", reason = "no business line reaches both bars"})
  add({name = string.format("rule 3: %s a fen under %d in December", line, c[3]),
       facts = {by_line = {[line] = year}, december_by_line = {[line] = month - 1}},
       member = false, grade = "none"})
end
add({name = "rule 3: savings at the bar while express refunds sink the totals",
     facts = {revenue = yuan(8000), december = yuan(500), lines = 2,
              by_line = {savings = yuan(20000), express = yuan(-12000)},
              december_by_line = {savings = yuan(2000), express = yuan(-1500)}},
     member = true, reason = "savings & remittance (储汇) 2025 20,000.00 / December 2,000.00"})
add({name = "rule 3 with rule 2: both are given",
     facts = {revenue = yuan(52000), december = yuan(5200), lines = 1, by_line = {logistics = yuan(52000)},
              december_by_line = {logistics = yuan(5200)}},
     member = true, reason = "§1 rule (2): revenue 2025 52,000.00"})

-- Revenue points: each band's lower bound and one fen under it.
for _, c in ipairs({
  {yuan(1500000), 100}, {yuan(1500000) - 1, 90}, {yuan(1000000), 90}, {yuan(1000000) - 1, 80},
  {yuan(500000), 80}, {yuan(500000) - 1, 70}, {yuan(300000), 70}, {yuan(300000) - 1, 60},
  {yuan(100000), 60}, {yuan(100000) - 1, 0}, {0, 0}, {yuan(-5000), 0},
}) do
  add({name = string.format("revenue points: %d fen → %d", c[1], c[2]), fn = "revenue_points", args = {c[1]}, result = c[2]})
end

-- Share points in a bureau of 100,000,000.00: each band's edge and one fen under it.
for _, c in ipairs({
  {yuan(300000), 100}, {yuan(300000) - 1, 80}, {yuan(100000), 80}, {yuan(100000) - 1, 60},
  {yuan(50000), 60}, {yuan(50000) - 1, 40}, {yuan(10000), 40}, {yuan(10000) - 1, 0},
}) do
  add({name = string.format("share points: %d fen of %d → %d", c[1], B, c[2]), fn = "share_points", args = {c[1], B}, result = c[2]})
end
add({name = "share points: bureau revenue 0 gives 0", fn = "share_points", args = {yuan(5000), 0}, result = 0})
add({name = "share points: revenue 0 gives 0", fn = "share_points", args = {0, B}, result = 0})
add({name = "share points: 3‰ of a small bureau (30 of 10,000 fen)", fn = "share_points", args = {30, 10000}, result = 100})
add({name = "share points: 29 of 10,000 fen is under 3‰", fn = "share_points", args = {29, 10000}, result = 80})

-- The score (integer when whole) and the grade bands on tenths.
add({name = "score: 0.6 × 80 + 0.4 × 100 = 88", fn = "score", args = {80, 100}, result = 88})
add({name = "score: 0.6 × 90 + 0.4 × 80 = 86", fn = "score", args = {90, 80}, result = 86})
add({name = "score: 0.6 × 61 + 0.4 × 79 = 68.2", fn = "score", args = {61, 79}, result = 68.2})
add({name = "score: 0.6 × 66 + 0.4 × 70 = 67.6", fn = "score", args = {66, 70}, result = 67.6})
add({name = "score: 0 and 0", fn = "score", args = {0, 0}, result = 0})
for _, c in ipairs({
  {1000, "diamond"}, {900, "diamond"}, {899, "gold"}, {750, "gold"}, {749, "silver"},
  {650, "silver"}, {649, "general"}, {0, "general"},
}) do
  add({name = string.format("grade of %d tenths: %s", c[1], c[2]), fn = "grade_of_score_tenths", args = {c[1]}, result = c[2]})
end

-- Responsibility units (the reading above).  Specialty: a line bar of rule (3) met.
local SPECIALTY = {by_line = {logistics = yuan(60000), express = yuan(5000)}, december_by_line = {logistics = yuan(6000), express = yuan(100)}}
local COMPREHENSIVE = {by_line = {logistics = yuan(49000), express = yuan(19000)}, december_by_line = {logistics = yuan(6000), express = yuan(2000)}}
for _, c in ipairs({
  {"diamond", "province", COMPREHENSIVE, "province_center"}, {"diamond", nil, COMPREHENSIVE, "province_center"},
  {"diamond", "regional", COMPREHENSIVE, "city_center"}, {"diamond", "regional", SPECIALTY, "city_center"},
  {"gold", "province", COMPREHENSIVE, "city_center"}, {"gold", "regional", COMPREHENSIVE, "county_center"},
  {"gold", "province", SPECIALTY, "specialty_bureau"}, {"gold", "regional", SPECIALTY, "specialty_bureau"},
  {"silver", "regional", COMPREHENSIVE, "county_center"}, {"silver", "province", SPECIALTY, "specialty_bureau"},
  {"general", "province", SPECIALTY, "branch"},
}) do
  add({name = string.format("responsibility: %s, reach %s, %s → %s", c[1], tostring(c[2]),
                            c[3] == SPECIALTY and "specialty" or "comprehensive", c[4]),
       fn = "responsibility", args = {{reach = c[2], by_line = c[3].by_line, december_by_line = c[3].december_by_line}, c[1]},
       result = c[4]})
end
add({name = "specialty: the line with the most revenue among those at their bars", fn = "specialty",
     args = {{by_line = {savings = yuan(30000), logistics = yuan(60000), express = yuan(90000)},
              december_by_line = {savings = yuan(2000), logistics = yuan(5000), express = yuan(1999)}}}, result = "logistics"})
add({name = "specialty: none at its bars", fn = "specialty", args = {COMPREHENSIVE}, result = nil})

return P
