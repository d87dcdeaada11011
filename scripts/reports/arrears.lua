-- 欠费 arrears: ageing of what is owed, the customers on credit stop and their handlers, the arrears warnings, and the year-end ratio against the policy's cap
-- DOMAIN.md §6.  The day is the last of --month (today in the current month); the ratio is
-- the last year ended by then (the year of --month when it is December).
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local money = require "common.money"
local day = require("common.money_day").day_of(lib, ctx.month)
local customers = store.customers_brief()
local p = { name = ctx.policy.name, numbers = ctx.policy.numbers }

local open = store.receivables(nil, day, true)
local ageing = {}
for _, b in ipairs(money.ageing(p, open)) do
  ageing[#ageing + 1] = { bucket = b.from and (b.to and L(string.format("逾期%d-%d天", b.from, b.to), b.label)
      or L(string.format("逾期%d天以上", b.from - 1), b.label)) or L("未到期", "not due"),
    count = b.count, outstanding = b.outstanding }
end
local stops = {}
for _, s in ipairs(money.credit_stops(p, open)) do
  local code = math.tointeger(tonumber(s.code))
  stops[#stops + 1] = { code = s.code, name = customers[code] and customers[code].name, since = s.since,
    outstanding = s.outstanding, handlers = table.concat(s.handlers, ", "), receivables = #s.receivables }
end
-- 欠费预警: the customers the policy's thresholds flag, or owing more than their own limit
-- (credit files are confidential: a reader who may not see a limit reads "***").
local warnings = {}
for _, w in ipairs(money.arrears_warnings(p, open, store.credits(day))) do
  local code = math.tointeger(tonumber(w.code))
  local why = {}
  for _, r in ipairs(w.reasons) do why[#why + 1] = r.text end
  warnings[#warnings + 1] = { code = w.code, name = customers[code] and customers[code].name, owed = w.owed,
    overdue = w.overdue, oldest_days = w.oldest_days,
    limit = math.type(w.limit) == "integer" and money.yuan(w.limit) or (w.limit or L("无信用档案", "no credit file")),
    why = table.concat(why, "; "), handlers = table.concat(w.handlers, ", ") }
end
local year = ctx.month % 100 == 12 and ctx.month // 100 or ctx.month // 100 - 1
local r = money.arrears_ratio(p, year)
local masked = r.within == nil   -- the amounts owed are credit details the reader may not see
local ratio = { { year = tostring(r.year), arrears = r.arrears, revenue = r.revenue,
  share = masked and r.arrears or { r.arrears, r.revenue }, cap = tostring(r.max_share_pct) .. "%",
  verdict = masked and r.arrears or r.within and L("未超限", "within") or L("超限", "over the cap") } }

return {
  report = "arrears",
  title = L("欠费管理情况", "Arrears"),
  period = day,
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("停止记账客户", "on credit stop"), tostring(#stops) },
           { L("预警客户", "warned"), tostring(#warnings) } },
  notes = { L(string.format("年末欠费率的收入不含：%s（代理金融、房租和营业外收入不计）",
              table.concat(r.excluded_lines, ", ")),
              string.format("the year-end ratio's revenue leaves out: %s (agency finance, rent and non-operating income do not count)",
              table.concat(r.excluded_lines, ", "))) },
  sections = {
    { key = "ageing", title = L("账龄", "Ageing"), rows = ageing,
      columns = { { key = "bucket", label = L("账龄", "age"), type = "text" },
                  { key = "count", label = L("笔数", "receivables"), type = "int" },
                  { key = "outstanding", label = L("欠费（元）", "outstanding (yuan)"), type = "money" } } },
    { key = "stops", title = L("停止记账", "Credit stops"), rows = stops, empty = L("无", "none"),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "since", label = L("停止日", "since"), type = "text" },
                  { key = "outstanding", label = L("逾期欠费（元）", "overdue (yuan)"), type = "money" },
                  { key = "receivables", label = L("笔数", "receivables"), type = "int" },
                  { key = "handlers", label = L("经办人", "handlers"), type = "text" } } },
    { key = "warnings", title = L("欠费预警", "Arrears warnings"), rows = warnings, empty = L("无", "none"),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "owed", label = L("欠费（元）", "owed (yuan)"), type = "money" },
                  { key = "overdue", label = L("逾期欠费（元）", "overdue (yuan)"), type = "money" },
                  { key = "oldest_days", label = L("最长逾期天数", "oldest (days past due)"), type = "int" },
                  { key = "limit", label = L("欠费限额", "arrears limit"), type = "text" },
                  { key = "why", label = L("预警原因", "why"), type = "text" },
                  { key = "handlers", label = L("经办人", "handlers"), type = "text" } } },
    { key = "ratio", title = L("年末欠费率", "Year-end arrears ratio"), rows = ratio,
      columns = { { key = "year", label = L("年度", "year"), type = "text" },
                  { key = "arrears", label = L("年末欠费（元）", "arrears on 31 Dec (yuan)"), type = "money" },
                  { key = "revenue", label = L("邮政业务收入（元）", "postal revenue (yuan)"), type = "money" },
                  { key = "share", label = L("欠费率%", "ratio %"), type = "share" },
                  { key = "cap", label = L("上限", "cap"), type = "text" },
                  { key = "verdict", label = L("结论", "verdict"), type = "text" } } },
  },
}
