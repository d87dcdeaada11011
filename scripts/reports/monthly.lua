-- 大客户月度收入分析 monthly analysis: key-account revenue and share, gained and lost, MoM/YoY/YTD, grades, fluctuations, top accounts
-- DOMAIN.md §8.  A key account of month M is a customer whose current grade for the year
-- before M's is not "none" (§1); revenue is what the policy counts (revenue_lines).  A
-- customer "has revenue" in a month when its sum on those lines is above zero (a month of
-- refunds only is none).  Copy this file and change it: `kam report ./mine.lua`.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local M = ctx.month
local numbers = ctx.policy.numbers
local threshold = numbers.fluctuation_pct or 30   -- DOMAIN §8: 30% where a policy says nothing
local top_n = numbers.top_accounts or 10          -- DOMAIN §8: the top 10

local key, nkey, key_year = lib.key_accounts(store, M)
if not key then error(nkey, 0) end

local prev, last_year = lib.month_add(M, -1), lib.month_add(M, -12)
local jan = (M // 100) * 100 + 1
local W = { M = 1, PREV = 2, LY = 3, YTD = 4, YTD_LY = 5 }
local NW = 5
local first = lib.month_add(M, -23)
local by_code, by_month = store.revenue {
  lines = ctx.policy.revenue_lines,
  windows = { { M, M }, { prev, prev }, { last_year, last_year }, { jan, M }, { jan - 100, last_year } },
  months = { first, M },
  set = lib.codes(key),
}
local customers = store.customers_brief()
local notes = store.notes(M)

local function amt(code, w) local r = by_code[code]; return r and r[w] or 0 end

-- overall ---------------------------------------------------------------------------
local sum = { 0, 0, 0, 0, 0 }
local gained, lost = { n = 0, now = 0, before = 0 }, { n = 0, now = 0, before = 0 }
local active = 0
for code in pairs(key) do
  for w = 1, NW do sum[w] = sum[w] + amt(code, w) end
  local now, before = amt(code, W.M), amt(code, W.PREV)
  if now > 0 then active = active + 1 end
  if now > 0 and before <= 0 then gained.n = gained.n + 1; gained.now = gained.now + now end
  if before > 0 and now <= 0 then lost.n = lost.n + 1; lost.before = lost.before + before end
end
local all_now, all_prev = 0, 0
for _, m in ipairs(by_month) do
  if m.month == M then all_now = m.amount end
  if m.month == prev then all_prev = m.amount end
end

local overview = {
  { item = L("大客户收入", "key-account revenue"), now = sum[W.M], base = sum[W.PREV], change = { sum[W.M], sum[W.PREV] },
    share = { sum[W.M], all_now } },
  { item = L("全部收入", "all revenue"), now = all_now, base = all_prev, change = { all_now, all_prev } },
  { item = L("大客户收入 同比（去年同月）", "key-account revenue, year on year (same month last year)"), now = sum[W.M],
    base = sum[W.LY], change = { sum[W.M], sum[W.LY] } },
  { item = L("大客户收入 本年累计（同期）", "key-account revenue, year to date (same period last year)"),
    now = sum[W.YTD], base = sum[W.YTD_LY], change = { sum[W.YTD], sum[W.YTD_LY] } },
}
local counts = {
  { item = L("大客户数", "key accounts"), n = nkey },
  { item = L("本月有收入的大客户", "key accounts with revenue this month"), n = active },
  { item = L("新增（本月有收入，上月无）", "gained (revenue this month, none last month)"), n = gained.n, amount = gained.now },
  { item = L("流失（上月有收入，本月无）", "lost (revenue last month, none this month)"), n = lost.n, amount = lost.before },
}

-- per grade ---------------------------------------------------------------------------
local per_grade = {}
for _, g in ipairs(ctx.policy.grades) do per_grade[g] = { grade = g, n = 0, now = 0, base = 0 } end
for code, g in pairs(key) do
  local r = per_grade[g]
  if not r then r = { grade = g, n = 0, now = 0, base = 0 }; per_grade[g] = r end
  r.n = r.n + 1
  r.now = r.now + amt(code, W.M)
  r.base = r.base + amt(code, W.PREV)
end
local grade_rows = {}
for _, g in ipairs(ctx.policy.grades) do
  local r = per_grade[g]
  r.change, r.share = { r.now, r.base }, { r.now, sum[W.M] }
  grade_rows[#grade_rows + 1] = r
end

-- fluctuations ------------------------------------------------------------------------
local fluct, unexplained = {}, 0
for code, g in pairs(key) do
  local c = customers[code]
  local now, before = amt(code, W.M), amt(code, W.PREV)
  if not (c and c.one_time == 1) and lib.beyond(now, before, threshold) then
    local note = notes[code]
    if not note then unexplained = unexplained + 1 end
    fluct[#fluct + 1] = { code = code, name = c and c.name, grade = g, base = before, now = now, diff = now - before,
      change = { now, before },
      why = note and note.explanation or L("未说明", "unexplained") }
  end
end
table.sort(fluct, function(a, b)
  local x, y = math.abs(a.diff), math.abs(b.diff)
  if x ~= y then return x > y end
  return a.code < b.code
end)

-- top accounts --------------------------------------------------------------------------
local top = {}
for code, g in pairs(key) do
  top[#top + 1] = { code = code, grade = g, now = amt(code, W.M), base = amt(code, W.PREV), ytd = amt(code, W.YTD) }
end
table.sort(top, function(a, b) if a.now ~= b.now then return a.now > b.now end return a.code < b.code end)
for i = #top, top_n + 1, -1 do top[i] = nil end
for i, r in ipairs(top) do
  r.rank, r.name = i, customers[r.code] and customers[r.code].name
  r.change, r.share = { r.now, r.base }, { r.now, sum[W.M] }
end

-- trend ----------------------------------------------------------------------------------
local trend = {}
for _, m in ipairs(by_month) do
  trend[#trend + 1] = { month = lib.month_text(m.month), all = m.amount, key = m.set_amount,
                        share = { m.set_amount, m.amount } }
end

local money, pct = "money", "pct"
local title = L(string.format("%s大客户收入分析", lib.month_zh(M)),
  string.format("Key-account revenue analysis, %s", lib.month_text(M)))
return {
  report = "monthly",
  title = title,
  period = lib.month_text(M),
  meta = {
    { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
    { L("大客户", "key accounts"), L(string.format("%d年评级非 none 的客户 %d 户", key_year, nkey),
      string.format("%d customers graded other than none for %d", nkey, key_year)) },
    { L("收入口径", "revenue"), table.concat(ctx.policy.revenue_lines, ", ") },
    { L("波动阈值", "fluctuation threshold"), string.format("%d%%", threshold) },
  },
  notes = unexplained > 0 and { L(string.format("%d 户大客户的波动尚未说明原因。", unexplained),
    string.format("%d key accounts' fluctuations are not explained yet.", unexplained)) } or {},
  data = { unexplained = unexplained, key_accounts = nkey, key_year = key_year },
  sections = {
    { key = "overview", title = L("总体情况", "Overview"),
      columns = { { key = "item", label = L("项目", "item"), type = "text" },
                  { key = "now", label = L("本期（元）", "this period (yuan)"), type = money },
                  { key = "base", label = L("对比期（元）", "compared with (yuan)"), type = money },
                  { key = "change", label = L("增减%", "change %"), type = pct },
                  { key = "share", label = L("占全部收入%", "share of all revenue %"), type = "share" } },
      rows = overview,
      note = L("环比：与上月比；同比：与去年同月比；累计：1月至本月。", "Month on month: against last month; year on year: against the same month last year; year to date: January to this month.") },
    { key = "counts", title = L("大客户增减", "Key accounts gained and lost"),
      columns = { { key = "item", label = L("项目", "item"), type = "text" },
                  { key = "n", label = L("户数", "customers"), type = "int" },
                  { key = "amount", label = L("收入（元）", "revenue (yuan)"), type = money } },
      rows = counts },
    { key = "grades", title = L("分等级收入", "Revenue by grade"),
      columns = { { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "n", label = L("户数", "customers"), type = "int" },
                  { key = "now", label = L("本月收入（元）", "revenue (yuan)"), type = money },
                  { key = "base", label = L("上月收入（元）", "last month (yuan)"), type = money },
                  { key = "change", label = L("环比%", "MoM %"), type = pct },
                  { key = "share", label = L("占大客户收入%", "share %"), type = "share" } },
      rows = grade_rows,
      chart = { type = "bar", x = "grade", y = { "now" }, title = L("分等级收入", "Revenue by grade") } },
    { key = "fluctuations", title = L(string.format("收入波动超过%d%%的大客户（一次性客户除外）", threshold),
        string.format("Key accounts whose revenue changed by more than %d%% (one-time customers excepted)", threshold)),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "base", label = L("上月收入（元）", "last month (yuan)"), type = money },
                  { key = "now", label = L("本月收入（元）", "this month (yuan)"), type = money },
                  { key = "diff", label = L("增减（元）", "change (yuan)"), type = money },
                  { key = "change", label = L("增减%", "change %"), type = pct },
                  { key = "why", label = L("原因", "explanation"), type = "text" } },
      rows = fluct,
      empty = L("无", "none"),
      chart = { type = "diverging", x = "code", y = { "diff" }, label = "name",
                title = L("波动（元）", "change (yuan)") } },
    { key = "top", title = L(string.format("收入前%d名大客户", top_n), string.format("Top %d key accounts", top_n)),
      columns = { { key = "rank", label = L("名次", "rank"), type = "int" },
                  { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "now", label = L("本月收入（元）", "this month (yuan)"), type = money },
                  { key = "change", label = L("环比%", "MoM %"), type = pct },
                  { key = "ytd", label = L("本年累计（元）", "year to date (yuan)"), type = money },
                  { key = "share", label = L("占大客户收入%", "share %"), type = "share" } },
      rows = top,
      chart = { type = "bar", x = "code", y = { "now" }, label = "name", title = L("前列客户收入", "top accounts") } },
    { key = "trend", title = L("近24个月收入走势", "Revenue over 24 months"),
      columns = { { key = "month", label = L("月份", "month"), type = "text" },
                  { key = "all", label = L("全部收入（元）", "all revenue (yuan)"), type = money },
                  { key = "key", label = L("大客户收入（元）", "key-account revenue (yuan)"), type = money },
                  { key = "share", label = L("大客户占比%", "key share %"), type = "share" } },
      rows = trend,
      note = L("只列台账中已有的月份。", "Only the months the ledger holds."),
      chart = { type = "line", x = "month", y = { "all", "key" }, title = L("收入走势", "trend") } },
  },
}
