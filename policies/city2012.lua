-- City bureau 2012: XXX邮政局大客户日常管理办法(试行), 二0一二年九月二十日 (seed 001), with
-- the same seed's 营销工作方法 (service time limits) and 用户欠费管理办法
-- (arrears).  DOMAIN.md §1, §3.3 and §4 decide where the seed is vague.  Policy contract
-- v1.  Money in integer fen; reasons in English.
--
-- When kam grades year Y, "last year" (上年) is Y itself (f.revenue) and "this month"
-- (当月) is December of Y (f.december).

local function yuan(n) return n * 100 end

local T = {
  -- §1 大客户界定 (2): 上年综合业务收入达到1万元, 当月综合业务收入达到0.1万元
  member = {year = yuan(10000), month = yuan(1000)},
  -- §3.3 大客户分级标准, lower bounds, each included: 白金客户 100-500万元, 黄金客户 50-100万元,
  -- VIP客户 1-50万元.  DOMAIN decides that 500万 and above is Platinum too.
  grade_bars = {
    {from = yuan(1000000), grade = "platinum", title = "Platinum (白金)"},
    {from = yuan(500000), grade = "gold", title = "Gold (黄金)"},
    {from = yuan(10000), grade = "vip", title = "VIP"},
  },
  platinum_top = yuan(5000000),   -- the seed's upper end of Platinum; above it still Platinum
  -- Specialty (专业) Gold, for the visit rules (DOMAIN §4: "specialty as in §1"): a customer
  -- that meets a business-line bar of DOMAIN §1 rule (3), last year / this month; every other
  -- Gold is comprehensive (综合).  A refund of a fen on another line changes nothing.
  line_bars = {
    {line = "savings", title = "savings & remittance (储汇)", year = yuan(20000), month = yuan(2000)},
    {line = "billing", title = "billing (帐单)", year = yuan(50000), month = yuan(5000)},
    {line = "letters", title = "letters (函件)", year = yuan(12000), month = yuan(1000)},
    {line = "philately", title = "philately (集邮)", year = yuan(40000), month = yuan(3500)},
    {line = "express", title = "express (特快)", year = yuan(20000), month = yuan(2000)},
    {line = "logistics", title = "logistics (物流)", year = yuan(50000), month = yuan(5000)},
    {line = "parcels", title = "parcels (包件)", year = yuan(10000), month = yuan(1000)},
    {line = "newspapers", title = "newspapers & periodicals (报刊)", year = yuan(20000), month = yuan(2000)},
  },
}

-- Money as yuan, "1,234,567.89": the sandbox's shared formatter (integer fen, exact).
local money = kam.yuan

local P = {
  name = "city2012",
  title = "XXX邮政局大客户日常管理办法(试行) 2012",
  version = "2026.1",
  grades = {"platinum", "gold", "vip", "general"},   -- 白金 黄金 VIP 一般大客户
  needs = {"by_line"},                    -- line bars: specialty or comprehensive Gold (DOMAIN §4)
}

P.numbers = {
  fluctuation_pct = 30,     -- 月业务量波动幅度超过30%的大客户必须分析原因(一次性大客户除外)
  -- own keys for the monthly reports (kam report, DOMAIN §8-9), chosen by kam (no seed
  -- gives them): the top 10 of §8; a key account with no revenue for 3 months is lost.
  top_accounts = 10,
  churn_months = 3,
  -- own keys (DOMAIN §9): the seeds of this policy route no loss, so kam takes Hubei's
  -- rule: the top grade's loss to the province, the others' to the city bureau subject to
  -- the province's approval; what follows a cause as DOMAIN §9 says.
  churn_handled_by = {
    platinum = "省公司 (the province)",
    gold = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    vip = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
    general = "市局，报省公司审批 (the city bureau, subject to the province's approval)",
  },
  churn_follow_up = {
    customer = "书面报告上级 (a written report to the level above)",
    network = "书面报告上级 (a written report to the level above)",
    service = "及时更换客户经理 (the customer manager is replaced promptly)",
    other = "书面报告上级 (a written report to the level above)",
  },
  -- 大客户拜访制度, the customer manager's visits (专(兼)职客户经理 上门走访).  The seed's
  -- headings are muddled: its paragraph on "Platinum and specialty Gold" says the marketing
  -- center's managers visit Platinum and *comprehensive* Gold at least once a month, and its
  -- paragraph on "comprehensive Gold and VIP" says Gold at least twice, VIP at least once.
  -- DOMAIN §4 records both; a Gold customer gets the stricter two a month here, and the
  -- center's monthly visit is kept apart in center_visits.
  visits = {
    platinum = {per_month = 1, by = "customer manager of the marketing center (营销中心客户经理)"},
    gold = {per_month = 2, by = "the customer's (part-time) manager (专(兼)职客户经理)"},
    vip = {per_month = 1, by = "the customer's (part-time) manager (专(兼)职客户经理)"},
  },
  -- own key: the marketing center's own managers visit Platinum and comprehensive (综合: no
  -- business-line bar met, see T.line_bars) Gold at least once a month.
  center_visits = {
    platinum = {per_month = 1},
    gold = {per_month = 1, breadth = "comprehensive"},
  },
  -- own key: leadership visits, one to two a year (每年拜访一至两次), led by the bureau's
  -- leadership (局领导带队) for Platinum and specialty Gold, by the specialty bureau's head
  -- (专业局负责人带队) for comprehensive Gold and VIP, by the branch head (支局长带队) for
  -- General (一般大客户, DOMAIN §3.3).
  leadership_visits = {
    platinum = {per_year = 1, max_per_year = 2, by = "bureau leadership (局领导)"},
    gold = {per_year = 1, max_per_year = 2,
            by = "bureau leadership (局领导) if specialty, specialty bureau head (专业局负责人) if comprehensive"},
    vip = {per_year = 1, max_per_year = 2, by = "specialty bureau head (专业局负责人)"},
    general = {per_year = 1, max_per_year = 2, by = "branch head (支局长)"},
  },
  -- own key: how long a registration of a prospect stands (DOMAIN §7: 登记 before developing it).
  -- No seed gives a period: kam chooses 180 calendar days, counted from the day after the
  -- claim ("by day N" includes day N); the team renews it by claiming again once released.
  registration_days = 180,
  -- No symposiums_per_year: the 2012 rules set none (DOMAIN §4).  The two a year
  -- (定期召开大客户座谈会,每年不少于两次) are the XX city marketing text's, bundled in
  -- seed 001, another rule set.
  archive_refresh_months = {               -- 大客户资料根据不同级别定期进行更新
    platinum = 3,                          -- 白金客户每季度更新一次
    gold = 2,                              -- 黄金客户每2月更新一次
    vip = 1,                               -- VIP客户每月更新一次
  },
  managers = {ab_pair_from = "vip"},       -- VIP以上大客户 实施主辅制(AB角)
  service_days = {urban = 0, rural = 2, max = 3},  -- 市内当天服务, 农村两天内, 不超过三天
  -- 年末用户欠费总余额控制在邮政业务总收入的5%以内 (≤ 5%, excluding agency finance, rent and
  -- non-operating income: DOMAIN §6).  The rest are own keys, kam's choices as in
  -- hubei.lua (the seed names the rules, not the numbers): credit stop from the day after
  -- an unpaid due date, agency finance (储汇) never on credit, ageing buckets of
  -- 30/90/180/365 days.
  arrears = {max_share_pct = 5, revenue_excludes = {"savings"}, stop_after_days = 0,
             never_on_credit = {"savings"}, ageing_days = {30, 90, 180, 365},
             -- warnings (预警) as hubei.lua chose: over 90 days past due or 100,000.00 overdue
             warn_days = 90, warn_amount = yuan(100000)},
  -- own keys (DOMAIN §5, §11), kam's choices: the seed sets no answer time for a discount
  -- (Hubei's 3 days taken), no local standard (graded like hubei.lua: the better the grade
  -- the deeper, every line; General none), no complaint deadline (在规定时限内: 7 days).
  -- The 2012 rules also need the market department's prior consent (not modelled).
  approval_days = 3,
  discount_local_pct = {
    platinum = {all = 15}, gold = {all = 10}, vip = {all = 5},
  },
  -- own key (DOMAIN §5): the levels that answer discount requests and which requests each
  -- may answer: the local level those within the local standard, the level above any.
  discount_levels = {
    ["local"] = {title = "key-account department (大客户部)", answers = {"local"}},
    province = {title = "general manager (总经理)", answers = {"local", "province"}},
  },
  complaint_days = 7,
  complaint_escalated_days = 3,   -- own key, kam's choice as in hubei.lua: the level above answers within 3 days
  -- own key: units report by the 28th (每月28日前), the center's summary by the 5th (每月5日前).
  report_days = {units = 28, summary = 5},
}

P.overrides = {}

-- §1 --------------------------------------------------------------------------------

function P.member(f, ctx)
  local totals = string.format("revenue %d %s / December %s (bar %s / %s)", f.year, money(f.revenue),
                               money(f.december), money(T.member.year), money(T.member.month))
  local reasons = {}
  if f.agreement then
    reasons[#reasons + 1] = "§1 (1): signed an agreement (与邮政企业签订业务协议的客户)"
  end
  if f.revenue >= T.member.year and f.december >= T.member.month then
    reasons[#reasons + 1] = "§1 (2): " .. totals
  end
  if #reasons > 0 then return true, reasons end
  return false, {"§1 (1): no signed agreement", "§1 (2): not both reached: " .. totals}
end

-- §3.3 ------------------------------------------------------------------------------

-- The bar of rule (3) the customer meets (the line with the most revenue where several),
-- or nil.
function P.specialty(f)
  local best
  for _, bar in ipairs(T.line_bars) do
    local year, month = f.by_line[bar.line] or 0, f.december_by_line[bar.line] or 0
    if year >= bar.year and month >= bar.month and (best == nil or year > (f.by_line[best.line] or 0)) then
      best = bar
    end
  end
  return best
end

local function breadth_reason(f)
  local bar = P.specialty(f)
  if bar then
    return string.format("§4: specialty Gold (专业): %s %s / December %s meets its bar %s / %s; leadership "
                         .. "visits by the bureau leadership (局领导)", bar.title, money(f.by_line[bar.line]),
                         money(f.december_by_line[bar.line]), money(bar.year), money(bar.month))
  end
  return "§4: comprehensive Gold (综合): no business line meets its bar; leadership visits by the specialty "
         .. "bureau head (专业局负责人), the marketing center's managers monthly"
end

-- Labels kept beside the grade: the breadth (DOMAIN §1, §4: who visits a Gold customer
-- depends on it) and, for a specialty key account, its line.
local function labels(f)
  local bar = P.specialty(f)
  return {breadth = bar and "specialty" or "comprehensive", specialty = bar and bar.line or nil}
end

function P.grade(f, ctx)
  local bars = T.grade_bars
  for i, bar in ipairs(bars) do
    if f.revenue >= bar.from then
      local range
      if i == 1 and f.revenue >= T.platinum_top then
        range = string.format("≥ %s (DOMAIN §3.3: Platinum too)", money(T.platinum_top))
      elseif i == 1 then
        range = string.format("in [%s, %s)", money(bar.from), money(T.platinum_top))
      else
        range = string.format("in [%s, %s)", money(bar.from), money(bars[i - 1].from))
      end
      local reasons = {string.format("§3.3: annual revenue %s %s → %s", money(f.revenue), range, bar.title)}
      if bar.grade == "gold" then reasons[2] = breadth_reason(f) end
      return bar.grade, nil, reasons, labels(f)
    end
  end
  -- A key account (by agreement) under the VIP floor is General (一般大客户, DOMAIN §3.3),
  -- the tier the seed's visit rules name: never VIP.
  return "general", nil, {string.format("§3.3: annual revenue %s under the VIP floor %s: a key account (by "
                                        .. "agreement) below it is General (一般大客户), never VIP", money(f.revenue),
                                        money(bars[#bars].from))}, labels(f)
end

-- Examples ---------------------------------------------------------------------------

P.examples = {
  -- §1
  {name = "member: an agreement alone", facts = {agreement = true}, member = true, grade = "general", reason = "signed an agreement"},
  {name = "member: 10,000.00 and December 1,000.00", facts = {revenue = yuan(10000), december = yuan(1000)}, member = true, grade = "vip", reason = "revenue 2025 10,000.00 / December 1,000.00"},
  {name = "member: 9,999.99 and December 1,000.00 is not", facts = {revenue = yuan(10000) - 1, december = yuan(1000)}, member = false, grade = "none", reason = "not both reached"},
  {name = "member: 10,000.00 and December 999.99 is not", facts = {revenue = yuan(10000), december = yuan(1000) - 1}, member = false, grade = "none"},
  {name = "member: 2,000,000.00 with nothing in December is not", facts = {revenue = yuan(2000000), december = 0}, member = false, grade = "none"},
  {name = "member: agreement with 2,000,000.00 and nothing in December", facts = {agreement = true, revenue = yuan(2000000), december = 0}, member = true, grade = "platinum"},
  -- §3.3 band edges
  {name = "platinum: 6,000,000.00", facts = {agreement = true, revenue = yuan(6000000)}, grade = "platinum"},
  {name = "platinum: 5,000,000.00 is Platinum too", facts = {agreement = true, revenue = yuan(5000000)}, grade = "platinum", reason = "≥ 5,000,000.00 (DOMAIN §3.3: Platinum too)"},
  {name = "platinum: 4,999,999.99", facts = {agreement = true, revenue = yuan(5000000) - 1}, grade = "platinum", reason = "in [1,000,000.00, 5,000,000.00)"},
  {name = "platinum: 1,000,000.00", facts = {agreement = true, revenue = yuan(1000000)}, grade = "platinum"},
  {name = "gold: 999,999.99", facts = {agreement = true, revenue = yuan(1000000) - 1}, grade = "gold", reason = "999,999.99 in [500,000.00, 1,000,000.00) → Gold (黄金)"},
  {name = "gold: 500,000.00", facts = {agreement = true, revenue = yuan(500000)}, grade = "gold"},
  {name = "vip: 499,999.99", facts = {agreement = true, revenue = yuan(500000) - 1}, grade = "vip"},
  {name = "vip: 10,000.00", facts = {revenue = yuan(10000), december = yuan(5000)}, grade = "vip", reason = "in [10,000.00, 500,000.00) → VIP"},
  {name = "vip: 10,000.00 with an agreement", facts = {agreement = true, revenue = yuan(10000)}, grade = "vip"},
  {name = "general: 9,999.99 with an agreement is under the floor", facts = {agreement = true, revenue = yuan(10000) - 1}, grade = "general", reason = "under the VIP floor 10,000.00: a key account (by agreement) below it is General (一般大客户), never VIP"},
  {name = "general: an agreement with refunds only", facts = {agreement = true, revenue = yuan(-250)}, grade = "general", reason = "annual revenue -250.00 under the VIP floor"},
  {name = "platinum without agreement by rule 2", facts = {revenue = yuan(1200000), december = yuan(90000)}, member = true, grade = "platinum"},
  {name = "gold without agreement by rule 2", facts = {revenue = yuan(700000), december = yuan(1000)}, grade = "gold"},
  {name = "gold: one line at its bar is specialty", facts = {agreement = true, revenue = yuan(600000), by_line = {logistics = yuan(600000)}, december_by_line = {logistics = yuan(5000)}}, grade = "gold", reason = "§4: specialty Gold (专业): logistics (物流) 600,000.00 / December 5,000.00 meets its bar 50,000.00 / 5,000.00", labels = {breadth = "specialty", specialty = "logistics"}},
  {name = "gold: a fen under the December bar is comprehensive", facts = {agreement = true, revenue = yuan(600000), by_line = {logistics = yuan(600000)}, december_by_line = {logistics = yuan(5000) - 1}}, grade = "gold", reason = "§4: comprehensive Gold (综合)", labels = {breadth = "comprehensive"}},
  {name = "gold: a fen of refund on another line keeps a specialty", facts = {agreement = true, revenue = yuan(600000) - 1, by_line = {logistics = yuan(600000), letters = -1}, december_by_line = {logistics = yuan(5000)}}, grade = "gold", reason = "§4: specialty Gold"},
  {name = "thousands separators", facts = {agreement = true, revenue = yuan(12345678) + 90}, grade = "platinum", reason = "12,345,678.90"},
}

return P
