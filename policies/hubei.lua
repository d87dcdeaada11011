-- Hubei EMS key accounts: 湖北邮政速递物流专业大客户管理实施细则(试行), seed 000.
-- DOMAIN.md §1 (membership), §3.1 (four classes), §4 (service numbers) decide where the
-- seed is vague.  Policy contract v1.  Money in integer fen; reasons in English.
--
-- Revenue is EMS and logistics revenue (速递物流业务收入, DOMAIN §3.1): seed 000 is the
-- Hubei EMS rule set, and art. 3 and 7 count its services alone (art. 6(2) names them).
-- The host sums `revenue`, `december` and the bureau rank on revenue_lines only; letters,
-- parcels, savings, billing, philately and newspapers count neither for a class nor for
-- the top-5 rank.

local function yuan(n) return n * 100 end

-- Thresholds.  Class bars are lower bounds: a band includes its lower bound and excludes
-- its upper one (300,000 exactly is class 2 in Wuhan).
local T = {
  member_revenue = yuan(10000),   -- 年累计结算费用达到1万元及以上 (art. 3)
  top_rank = 5,                   -- 各县市局速递物流业务收入排位前5名的协议客户 (art. 3)
  class_bars = {                  -- 大客户等级划分标准 (art. 7): 一类 二类 三类 四类
    capital = {yuan(500000), yuan(300000), yuan(100000), yuan(10000)},  -- 武汉市
    city = {yuan(200000), yuan(100000), yuan(50000), yuan(10000)},      -- 其他地市
    county = {yuan(100000), yuan(50000), yuan(30000), yuan(10000)},     -- 县(市)
  },
  status_class = {                -- 重要大客户 / 潜在大客户 by level (art. 7)
    province = 2,                 -- 省级党政机关等重要大客户及潜在大客户
    city = 3,                     -- 市(地)级
    county = 4,                   -- 县(市)级
  },
  network_wide_class = 1,         -- 以省公司、省速递物流局、省中邮公司名义签约的全网性客户
}

local PLACE = {capital = "Wuhan (capital)", city = "prefecture city", county = "county"}
local LEVEL = {province = "provincial", city = "prefecture", county = "county"}

-- Money as yuan, "1,234,567.89": the sandbox's shared formatter (integer fen, exact).
local money = kam.yuan

local P = {
  name = "hubei",
  title = "湖北邮政速递物流专业大客户管理实施细则(试行)",
  version = "2026.1",
  grades = {"1", "2", "3", "4"},        -- 一类 二类 三类 四类客户
  needs = {"bureau"},                   -- rank_in_bureau for the top-5 rule
  -- 国内异地速递 同城速递 国际速递 一体化物流 中邮快货 国际货代 (art. 6(2); ceremonial
  -- 礼仪 express is booked as express)
  revenue_lines = {"express", "same_city", "international", "logistics", "freight", "forwarding"},
}

-- The numbers other parts of kam ask for.  Keys beyond the contract's are marked "own key".
P.numbers = {
  fluctuation_pct = 30,                 -- 月业务量波动幅度超过30% must be explained (DOMAIN §8)
  -- own keys for the monthly reports (kam report, DOMAIN §8-9).  No seed gives them, so
  -- kam chooses: top_accounts = the "top 10" of §8; churn_months = 3: a key account with no
  -- revenue for a whole quarter is reported lost (one or two empty months are a swing,
  -- which the fluctuation list already asks to explain).
  top_accounts = 10,
  churn_months = 3,
  -- own keys (DOMAIN §9, art. 33-34): who handles a lost key account, by its last grade
  -- (class 1 the province; class 2 and below the city bureau, subject to the province's
  -- approval; art. 33's undefined "key class 2" is read as every class 2), and what
  -- follows a cause of each family (a service failure replaces the manager; a customer's
  -- or the network's cause is reported in writing to the level above; "other" too).
  churn_handled_by = {
    ["1"] = "省公司 (the province)",
    ["2"] = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    ["3"] = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    ["4"] = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
  },
  churn_follow_up = {
    customer = "书面报告上级 (a written report to the level above)",
    network = "书面报告上级 (a written report to the level above)",
    service = "及时更换客户经理 (the customer manager is replaced promptly)",
    other = "书面报告上级 (a written report to the level above)",
  },
  managers = {                          -- 客户经理 (art. 10)
    ["1"] = {dedicated = true},         -- 一类、二类大客户需配备1名专职客户经理
    ["2"] = {dedicated = true},
    ["3"] = {min = 3, max = 5},         -- 三类大客户按3—5个配备1名客户经理
    ["4"] = {min = 5, max = 8},         -- 四类大客户按5—8个配备1名客户经理
  },
  visits = {                            -- 定期走访制度 (art. 30 (4))
    ["1"] = {per_year = 1, by = "city bureau (市州局), with a visit record"},
    ["2"] = {per_year = 1, by = "city bureau (市州局), with a visit record"},
    ["3"] = {per_year = 2, by = "specialty bureau (市州专业局)"},
    ["4"] = {per_year = 2, by = "specialty bureau (市州专业局)"},
  },
  -- own key: 总部大客户 (head-office accounts: a key account with branches stored under its
  -- code) are visited by the province at least once a year.  kam records no visiting level:
  -- the seed gives none, so kam chooses that the province's visits are recorded as center
  -- visits (省速递物流局大客户服务中心, art. 8), and those are the ones counted.
  head_office_visits = {per_year = 1, by = "provincial EMS bureau (省速递物流局)", kind = "center"},
  symposiums_per_year = 1,              -- 每年至少召开一次大客户座谈会 (art. 30 (6)): the obligation
  -- own key: the assessment's bar (art. 35, DOMAIN §10): below 2 a year, 5 points off per one
  -- short.  DOMAIN §4: the policy carries both numbers; each part of kam reads its own.
  assessment = {symposiums_per_year = 2, points_per_missing_symposium = 5},
  -- own key: the rest of the assessment (art. 35, DOMAIN §10), scored in half points where
  -- the seed gives halves; every item stops at 0 (扣完为止) and at its base plus its bonus.
  assessment_items = {
    symposiums = {base = 10},                                 -- 座谈会: 每少一次扣5分 (above)
    -- 大客户数量增长 / 大客户收入增长: target +20% a year; -0.5 per point short, +1 per point
    -- over, the bonus at most 10 (DOMAIN: whole percentage points).
    count_growth = {base = 10, target_pct = 20, half_points_per_pct_short = 1, points_per_pct_over = 1,
                    max_bonus = 10},
    revenue_growth = {base = 10, target_pct = 20, half_points_per_pct_short = 1, points_per_pct_over = 1,
                      max_bonus = 10},
    -- 二类以上大客户: ±5 per account of net change, ±5 per 10% change of their revenue, bonus at most 20.
    top = {base = 20, grades = {"1", "2"}, points_per_account = 5, points_per_10pct = 5, max_bonus = 20},
    archives = {base = 10, points_per_account = 1},           -- 建档归档: 每缺一户扣1分
    analysis = {base = 10, points_per_account = 2, no_system = 10},  -- 月度分析: 每户扣2分
    visits = {base = 10, points_per_account = 3, no_system = 10},    -- 走访: 扣3分 (per account: kam's reading)
    accuracy = {base = 20, points_per_error = 5},             -- 数据准确: 每发现一处扣5分
  },
  -- own key: how long a registration of a prospect stands (DOMAIN §7: 登记 before developing it).
  -- No seed gives a period: kam chooses 180 calendar days, counted from the day after the
  -- claim ("by day N" includes day N); the team renews it by claiming again once released.
  registration_days = 180,
  maintenance_budget_pct = 1,           -- 年度维护费用不得低于该客户全年用邮收入的1% (art. 29)
  approval_days = 3,                    -- 资费优惠申请 3日内给予答复 (art. 30 (2))
  -- own key (DOMAIN §5): how deep a discount each grade may get locally, in whole percent
  -- off the standard tariff, per business line; a deeper one goes to the province.  The
  -- seed gives no standard (实行分级管理、逐级审批): kam chose these.  Only network-wide EMS
  -- business (全网性业务) is listed: same-city business follows the local tariff documents,
  -- and a line not listed has no local standard (every request goes to the province).
  discount_local_pct = {
    ["1"] = {express = 20, international = 10, logistics = 20, freight = 20, forwarding = 10},
    ["2"] = {express = 15, international = 8, logistics = 15, freight = 15, forwarding = 8},
    ["3"] = {express = 10, international = 5, logistics = 10, freight = 10, forwarding = 5},
    ["4"] = {express = 5, international = 3, logistics = 5, freight = 5, forwarding = 3},
  },
  -- own key (DOMAIN §5): the levels that answer discount requests and which requests each
  -- may answer: the city bureau (市州局 / 大客户部) those within the local standard, the
  -- province (省速递物流局) any.
  discount_levels = {
    ["local"] = {title = "city bureau (市州局/大客户部)", answers = {"local"}},
    province = {title = "province (省速递物流局)", answers = {"local", "province"}},
  },
  -- own key (DOMAIN §11): a complaint is answered within 7 calendar days of the day after
  -- it was received.  The seeds say only 在规定时限内 (within the prescribed time): kam chose 7.
  complaint_days = 7,
  -- own key (DOMAIN §11): what a unit cannot solve is escalated at once to the level above,
  -- which answers within 3 calendar days of the day after the escalation.  No seed gives a
  -- number: kam chose 3.
  complaint_escalated_days = 3,
  claims = {                            -- 优先赔偿 (art. 21 (6), art. 30 (2))
    advance_limit = yuan(5000),         -- 5000元以内 由所属市州局垫赔
    advance_days = 7,                   -- 7日内垫赔到位
    report_days = 3,                    -- 超过5000元 3日内报省速递物流局审批
    -- the green channel's enrolled customers (绿色通道; the seed says VIP客户, which has
    -- nothing to do with the 2012 rule set's VIP grade, DOMAIN §4)
    enrolled_handle_days = 2,           -- 索赔 2日内给予处理
    enrolled_pay_days = 7,              -- 7天内赔偿到位
  },
  -- Arrears and service time limits come from the city rules of seed 001 (DOMAIN §4, §6);
  -- the seeds set no warning thresholds, so warn_days / warn_amount are left out.
  arrears = {
    max_share_pct = 5,                  -- 年末欠费余额控制在邮政业务总收入的5%以内 (≤ 5%)
    -- The share's revenue leaves out agency finance (代理金融: the `savings` line), rent and
    -- non-operating income (DOMAIN §6); rent and non-operating income are not in the ledger.
    revenue_excludes = {"savings"},
    -- own keys, kam's choices (the seeds name the rule, not the numbers): a customer that
    -- has not settled an arrear by its due date is on credit stop (停止记账, seed 003
    -- art. 13) from the day after it, for as long as it is unpaid: stop_after_days 0;
    -- agency finance (储汇) is never on credit; arrears age in buckets of up to 30, 90,
    -- 180 and 365 days past due, and over 365.
    stop_after_days = 0,
    never_on_credit = {"savings"},
    ageing_days = {30, 90, 180, 365},
    -- The warning system (预警, DOMAIN §6) names no thresholds in the seeds: kam chose to
    -- warn of a customer with an arrear unpaid more than 90 days past its due day, or
    -- owing more than 100,000.00 past due in all; owing more than the arrears limit of
    -- its own credit file (seed 003 art. 7) is a warning too.
    warn_days = 90,
    warn_amount = yuan(100000),
  },
  service_days = {urban = 0, rural = 2, max = 3},  -- 市内当天, 农村两天内, 不超过三天
  -- own keys (DOMAIN §8): class 1 KPI report filed monthly (一类大客户KPI分析报告按月上报);
  -- the logistics form (附表3) lists at least the top 10 in Wuhan, 5 in other cities, 2 in
  -- counties, filed by the 5th of the month.
  kpi_monthly_grades = {"1"},
  logistics_report_top = {capital = 10, city = 5, county = 2},
  logistics_report_day = 5,
}

-- 培育期 (art. 16): a customer with strong potential is treated as the next class up for a
-- period; check_override keeps the grade at exactly one class above the computed one.
-- Cultivation only ever raises (DOMAIN §3.1): a customer that has grown past the
-- provisional class keeps its computed class, and the reasons say so (only_raises).
P.overrides = {
  cultivation = {title = "培育期", grades = {"1", "2", "3"}, needs_until = true, approval = false,
                 only_raises = true},
}

-- §1 --------------------------------------------------------------------------------

local function agreement_text(f)
  if f.account == "on_account" then return "agreement customer (on-account 记账)" end
  if f.account == "cash" then return "agreement customer (cash 现付)" end
  return "agreement customer"
end

-- Only revenue above zero ranks (DOMAIN §1): the host ranks no other customer, and a
-- policy fed other facts (an example) reads the rule the same way.
local function in_top5(f)
  return f.agreement and f.revenue > 0 and f.rank_in_bureau ~= nil and f.rank_in_bureau <= T.top_rank
end

local function top5_text(f)
  return string.format("rank %d by EMS revenue among the %d agreement customers of bureau %s",
                       f.rank_in_bureau, f.bureau_agreement_customers or 0, f.bureau or "?")
end

-- The status grade (network-wide, important, potential) and its reason, or nil.
local function status_class(f)
  local best, why = nil, nil
  local function consider(class, text)
    if class and (best == nil or class < best) then best, why = class, text end
  end
  if f.network_wide then
    consider(T.network_wide_class, "network-wide customer signed by the provincial company (全网性客户)")
  end
  if f.important then
    consider(T.status_class[f.important], LEVEL[f.important] .. "-level important account (重要大客户)")
  end
  if f.potential then
    consider(T.status_class[f.potential], LEVEL[f.potential] .. "-level potential account (潜在大客户)")
  end
  return best, why
end

function P.member(f, ctx)
  local reasons = {}
  if f.agreement and f.revenue >= T.member_revenue then
    reasons[#reasons + 1] = string.format("§1 (art. 3): %s, annual EMS revenue %s ≥ %s",
                                          agreement_text(f), money(f.revenue), money(T.member_revenue))
  end
  if in_top5(f) then
    reasons[#reasons + 1] = string.format("§1 (art. 3): %s, within the top %d (ties included)",
                                          top5_text(f), T.top_rank)
  end
  local class, why = status_class(f)
  if class then
    reasons[#reasons + 1] = string.format("§1 (art. 3, art. 7): %s, counted as a key account", why)
  end
  if #reasons > 0 then return true, reasons end

  if not f.agreement then
    reasons[1] = string.format("§1 (art. 3): no agreement (协议), annual EMS revenue %s; the revenue and top-%d rules "
                               .. "need an agreement customer", money(f.revenue), T.top_rank)
  else
    reasons[1] = string.format("§1 (art. 3): %s, annual EMS revenue %s < %s", agreement_text(f),
                               money(f.revenue), money(T.member_revenue))
    if f.rank_in_bureau and f.revenue > 0 then
      reasons[2] = string.format("§1 (art. 3): %s, outside the top %d", top5_text(f), T.top_rank)
    elseif f.revenue <= 0 then
      reasons[2] = string.format("§1 (art. 3): no EMS revenue above zero in %d, so not ranked in its bureau's top %d",
                                 f.year, T.top_rank)
    end
  end
  reasons[#reasons + 1] = "§1: not an important, potential or network-wide account"
  return false, reasons
end

-- §3.1 ------------------------------------------------------------------------------

local function place_bars(f)
  local bars = T.class_bars[f.place]
  if not bars then error(string.format("hubei: unknown place '%s'", tostring(f.place)), 0) end
  return bars
end

-- The revenue class (1..4) and its reason, or nil under the class 4 bar.
local function revenue_class(f)
  local bars = place_bars(f)
  for class = 1, #bars do
    if f.revenue >= bars[class] then
      local range = class == 1 and string.format("≥ %s", money(bars[1]))
        or string.format("in [%s, %s)", money(bars[class]), money(bars[class - 1]))
      return class, string.format("§3.1 (art. 7): %s, annual EMS revenue %s %s → class %d",
                                  PLACE[f.place], money(f.revenue), range, class)
    end
  end
  return nil
end

function P.grade(f, ctx)
  local reasons = {}
  local by_revenue, why = revenue_class(f)
  if not by_revenue and in_top5(f) then
    -- DOMAIN §3.1: a key account by the top-5 rule under the class 4 bar is class 4.
    by_revenue = 4
    why = string.format("§3.1: key account by the top-%d rule (%s) with annual EMS revenue %s under the "
                        .. "class 4 bar %s → class 4", T.top_rank, top5_text(f), money(f.revenue),
                        money(place_bars(f)[4]))
  end
  reasons[#reasons + 1] = why
  local by_status, status_why = status_class(f)
  if by_status then
    reasons[#reasons + 1] = string.format("§3.1 (art. 7): %s → class %d", status_why, by_status)
  end
  if not by_revenue and not by_status then
    error("hubei: grade() called for a customer that is not a key account", 0)
  end
  local class = math.min(by_revenue or 9, by_status or 9)
  if by_revenue and by_status and by_revenue ~= by_status then
    reasons[#reasons + 1] = string.format("§3.1: the better of revenue class %d and status class %d → class %d",
                                          by_revenue, by_status, class)
  end
  return tostring(class), nil, reasons
end

-- 培育期 (art. 16) ---------------------------------------------------------------------

function P.check_override(o, f, ctx)
  if o.kind ~= "cultivation" then
    return false, string.format("hubei accepts only 'cultivation' overrides, not '%s'", tostring(o.kind))
  end
  local ends = o.ends or o["until"]   -- `ends`; `until` (a Lua keyword) is kept for older policies
  if ends == nil or ends == "" then
    return false, "art. 16: a cultivation period (培育期) needs an end date"
  end
  if not P.member(f, ctx) then
    return false, "art. 16: cultivation is for an existing key account; this customer is not one (§1)"
  end
  local computed = tonumber((P.grade(f, ctx)))
  if computed == 1 then
    return false, "art. 16: the computed grade is class 1; there is no class above it to cultivate towards"
  end
  local next_up = tostring(computed - 1)
  if o.grade ~= next_up then
    return false, string.format("art. 16: cultivation treats a customer as the next class up: the computed "
                                .. "grade is class %d, so the cultivation grade must be class %s, not '%s'",
                                computed, next_up, tostring(o.grade))
  end
  return true
end

-- Examples: every band edge of art. 7 per place, the top-5 rule, the status grades, and
-- the cultivation check.  Facts not given take the contract's defaults (place = "city").
local ex_ctx = {year = 2025, as_of = "2026-01-15", policy = "hubei"}

P.examples = {
  -- Wuhan (capital)
  {name = "capital: 500,000.00 is class 1", facts = {place = "capital", agreement = true, revenue = yuan(500000)}, grade = "1", reason = "≥ 500,000.00 → class 1"},
  {name = "capital: 499,999.99 is class 2", facts = {place = "capital", agreement = true, revenue = yuan(500000) - 1}, grade = "2"},
  {name = "capital: 300,000.00 is class 2", facts = {place = "capital", agreement = true, revenue = yuan(300000)}, grade = "2", reason = "in [300,000.00, 500,000.00) → class 2"},
  {name = "capital: 299,999.99 is class 3", facts = {place = "capital", agreement = true, revenue = yuan(300000) - 1}, grade = "3"},
  {name = "capital: 100,000.00 is class 3", facts = {place = "capital", agreement = true, revenue = yuan(100000)}, grade = "3"},
  {name = "capital: 99,999.99 is class 4", facts = {place = "capital", agreement = true, revenue = yuan(100000) - 1}, grade = "4", reason = "99,999.99 in [10,000.00, 100,000.00)"},
  {name = "capital: 10,000.00 is class 4", facts = {place = "capital", agreement = true, revenue = yuan(10000)}, grade = "4"},
  {name = "capital: 9,999.99 is no key account", facts = {place = "capital", agreement = true, revenue = yuan(10000) - 1}, member = false, grade = "none", reason = "9,999.99 < 10,000.00"},
  -- other prefecture city
  {name = "city: 200,000.00 is class 1", facts = {place = "city", agreement = true, revenue = yuan(200000)}, grade = "1"},
  {name = "city: 199,999.99 is class 2", facts = {place = "city", agreement = true, revenue = yuan(200000) - 1}, grade = "2"},
  {name = "city: 100,000.00 is class 2", facts = {place = "city", agreement = true, revenue = yuan(100000)}, grade = "2"},
  {name = "city: 99,999.99 is class 3", facts = {place = "city", agreement = true, revenue = yuan(100000) - 1}, grade = "3"},
  {name = "city: 50,000.00 is class 3", facts = {place = "city", agreement = true, revenue = yuan(50000)}, grade = "3"},
  {name = "city: 49,999.99 is class 4", facts = {place = "city", agreement = true, revenue = yuan(50000) - 1}, grade = "4"},
  {name = "city: 10,000.00 is class 4", facts = {place = "city", agreement = true, revenue = yuan(10000)}, grade = "4", reason = "annual EMS revenue 10,000.00 ≥ 10,000.00"},
  {name = "city: 9,999.99 is no key account", facts = {place = "city", agreement = true, revenue = yuan(10000) - 1}, member = false, grade = "none"},
  -- county / county-level city
  {name = "county: 100,000.00 is class 1", facts = {place = "county", agreement = true, revenue = yuan(100000)}, grade = "1"},
  {name = "county: 99,999.99 is class 2", facts = {place = "county", agreement = true, revenue = yuan(100000) - 1}, grade = "2"},
  {name = "county: 50,000.00 is class 2", facts = {place = "county", agreement = true, revenue = yuan(50000)}, grade = "2"},
  {name = "county: 49,999.99 is class 3", facts = {place = "county", agreement = true, revenue = yuan(50000) - 1}, grade = "3"},
  {name = "county: 30,000.00 is class 3", facts = {place = "county", agreement = true, revenue = yuan(30000)}, grade = "3"},
  {name = "county: 29,999.99 is class 4", facts = {place = "county", agreement = true, revenue = yuan(30000) - 1}, grade = "4"},
  {name = "county: 10,000.00 is class 4", facts = {place = "county", agreement = true, revenue = yuan(10000)}, grade = "4"},
  {name = "county: 9,999.99 is no key account", facts = {place = "county", agreement = true, revenue = yuan(10000) - 1}, member = false, grade = "none"},
  -- the account kind does not matter, the agreement does
  {name = "cash agreement customer counts", facts = {agreement = true, account = "cash", revenue = yuan(10000)}, grade = "4", reason = "agreement customer (cash 现付)"},
  {name = "on-account agreement customer counts", facts = {agreement = true, account = "on_account", revenue = yuan(60000)}, grade = "3", reason = "on-account 记账"},
  {name = "no agreement: 600,000.00 is no key account", facts = {place = "capital", revenue = yuan(600000)}, member = false, grade = "none", reason = "no agreement"},
  {name = "refunds: a negative year is shown with its sign", facts = {agreement = true, revenue = -123456}, member = false, reason = "annual EMS revenue -1,234.56 < 10,000.00"},
  {name = "thousands separators", facts = {place = "capital", agreement = true, revenue = 61234500}, grade = "1", reason = "annual EMS revenue 612,345.00 ≥ 500,000.00"},
  {name = "millions", facts = {place = "capital", agreement = true, revenue = yuan(12345678) + 9}, grade = "1", reason = "12,345,678.09"},
  -- top 5 of the bureau (ranks among its agreement customers; RANK() keeps ties)
  {name = "top 5: rank 1 under the bar is class 4", facts = {agreement = true, revenue = yuan(8000), rank_in_bureau = 1, bureau_agreement_customers = 3}, grade = "4", reason = "under the class 4 bar 10,000.00 → class 4"},
  {name = "top 5: rank 5 under the bar is class 4", facts = {agreement = true, revenue = yuan(2000), rank_in_bureau = 5, bureau_agreement_customers = 9}, member = true, grade = "4"},
  {name = "top 5: rank 5 tied (two at 5) is a member", facts = {agreement = true, revenue = yuan(1500), rank_in_bureau = 5, bureau_agreement_customers = 12}, grade = "4", reason = "rank 5 by EMS revenue among the 12 agreement customers of bureau 测试市"},
  {name = "top 5: rank 6 is no key account", facts = {agreement = true, revenue = yuan(1400), rank_in_bureau = 6, bureau_agreement_customers = 12}, member = false, grade = "none", reason = "outside the top 5"},
  {name = "top 5: rank 7 after a tie at 5 is no key account", facts = {agreement = true, revenue = yuan(1200), rank_in_bureau = 7, bureau_agreement_customers = 12}, grade = "none"},
  {name = "top 5: revenue 0 is never ranked (DOMAIN §1)", facts = {agreement = true, revenue = 0, bureau_agreement_customers = 7}, member = false, grade = "none", reason = "no EMS revenue above zero in 2025, so not ranked"},
  {name = "top 5: a refund-only year is never top 5 even if ranked", facts = {agreement = true, revenue = yuan(-500), rank_in_bureau = 1, bureau_agreement_customers = 1}, member = false, grade = "none", reason = "annual EMS revenue -500.00 < 10,000.00"},
  {name = "top 5: one fen above zero ranks", facts = {agreement = true, revenue = 1, rank_in_bureau = 1, bureau_agreement_customers = 1}, member = true, grade = "4", reason = "rank 1 by EMS revenue"},
  {name = "top 5: over the bar the band decides", facts = {place = "county", agreement = true, revenue = yuan(40000), rank_in_bureau = 2, bureau_agreement_customers = 30}, grade = "3"},
  {name = "top 5: rank 9 over the bar is a member by revenue", facts = {agreement = true, revenue = yuan(12000), rank_in_bureau = 9, bureau_agreement_customers = 30}, grade = "4"},
  -- status grades (art. 7): the better of revenue and status
  {name = "status: county-level important, revenue 0 is class 4", facts = {important = "county"}, member = true, grade = "4", reason = "county-level important account (重要大客户) → class 4"},
  {name = "status: provincial important with class 4 revenue is class 2", facts = {agreement = true, revenue = yuan(20000), important = "province"}, grade = "2", reason = "the better of revenue class 4 and status class 2 → class 2"},
  {name = "status: prefecture-level potential is class 3", facts = {potential = "city"}, grade = "3", reason = "prefecture-level potential account"},
  {name = "status: provincial potential without agreement is class 2", facts = {potential = "province", revenue = yuan(3000)}, grade = "2"},
  {name = "status: network-wide is class 1", facts = {network_wide = true, agreement = true, revenue = yuan(5000)}, grade = "1", reason = "network-wide customer"},
  {name = "status: network-wide alone is a key account", facts = {network_wide = true}, member = true, grade = "1"},
  {name = "status: revenue class beats a county-level status", facts = {place = "capital", agreement = true, revenue = yuan(600000), important = "county"}, grade = "1", reason = "the better of revenue class 1 and status class 4 → class 1"},
  {name = "status: important and potential, the better wins", facts = {important = "county", potential = "city"}, grade = "3"},
  -- 培育期 (art. 16)
  {name = "cultivation: class 3 → 2 is accepted", fn = "check_override", args = {{kind = "cultivation", grade = "2", ends = "2026-06-30", by = "王"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = true},
  {name = "cultivation: class 3 → 1 is refused", fn = "check_override", args = {{kind = "cultivation", grade = "1", ends = "2026-06-30"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = false, reason = "must be class 2, not '1'"},
  {name = "cultivation: class 3 → 3 is refused", fn = "check_override", args = {{kind = "cultivation", grade = "3", ends = "2026-06-30"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = false, reason = "the next class up"},
  {name = "cultivation: `until` is still read (older policies and callers)", fn = "check_override", args = {{kind = "cultivation", grade = "2", ["until"] = "2026-06-30"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = true},
  {name = "cultivation: status class 2 → 1 is accepted", fn = "check_override", args = {{kind = "cultivation", grade = "1", ends = "2026-06-30"}, {place = "city", important = "province", revenue = 0}, ex_ctx}, result = true},
  {name = "cultivation: class 1 has nothing above", fn = "check_override", args = {{kind = "cultivation", grade = "1", ends = "2026-06-30"}, {place = "county", agreement = true, revenue = yuan(100000)}, ex_ctx}, result = false, reason = "no class above"},
  {name = "cultivation: needs an end date", fn = "check_override", args = {{kind = "cultivation", grade = "2"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = false, reason = "needs an end date"},
  {name = "cultivation: not for a non-member", fn = "check_override", args = {{kind = "cultivation", grade = "4", ends = "2026-06-30"}, {place = "city", agreement = true, revenue = yuan(9000)}, ex_ctx}, result = false, reason = "not one"},
  {name = "override: unknown kind is refused", fn = "check_override", args = {{kind = "review", grade = "2", ends = "2026-06-30"}, {place = "city", agreement = true, revenue = yuan(60000)}, ex_ctx}, result = false, reason = "only 'cultivation'"},
}

return P
