-- 大客户流失 churn: key accounts with no revenue for the policy's churn_months consecutive months, with last grade and revenue
-- DOMAIN.md §9.  A key account of the month (graded for the year before, not "none") is
-- lost when it has had no revenue (a sum on the policy's lines above zero) in each of the
-- last churn_months months up to --month; "new" marks those whose loss shows this month
-- (revenue in the month before that window).  The causes come with the money-and-service
-- issue.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local M = ctx.month
local k = ctx.policy.numbers.churn_months
if math.type(k) ~= "integer" or k < 1 or k > 23 then
  error(string.format("policy %s sets no churn_months (numbers.churn_months, 1 to 23)", ctx.policy.name), 0)
end
local key, nkey, key_year = lib.key_accounts(store, M)
if not key then error(nkey, 0) end

-- one window per month of the last 24
local first = lib.month_add(M, -23)
local months = lib.months(first, M)
local windows = {}
for i, m in ipairs(months) do windows[i] = { m, m } end
local by_code = store.revenue { lines = ctx.policy.revenue_lines, windows = windows }
local customers = store.customers_brief()
local n = #months

local rows = {}
for code, g in pairs(key) do
  local r = by_code[code]
  local quiet = true
  for i = n - k + 1, n do if r and r[i] > 0 then quiet = false end end
  if quiet then
    local last, last_amount
    for i = n - k, 1, -1 do
      if r and r[i] > 0 then last, last_amount = months[i], r[i]; break end
    end
    rows[#rows + 1] = { code = code, name = customers[code] and customers[code].name, grade = g,
      last = last and lib.month_text(last) or L("24个月内无", "none in 24 months"), amount = last_amount,
      new = (r and r[n - k] > 0) and L("本月新流失", "new") or "" }
  end
end
table.sort(rows, function(a, b)
  if (a.amount or 0) ~= (b.amount or 0) then return (a.amount or 0) > (b.amount or 0) end
  return a.code < b.code
end)

return {
  report = "churn",
  title = L(string.format("%s大客户流失情况", lib.month_zh(M)), string.format("Key accounts lost, %s", lib.month_text(M))),
  period = lib.month_text(M),
  meta = { { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("流失标准", "lost when"), L(string.format("连续%d个月无收入（%s 的大客户 %d 户）", k, key_year, nkey),
             string.format("no revenue for %d consecutive months (%d key accounts of %d)", k, nkey, key_year)) } },
  sections = {
    { key = "lost", title = L("流失大客户", "Lost key accounts"),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "grade", label = L("等级", "last grade"), type = "text" },
                  { key = "last", label = L("最后有收入月份", "last month with revenue"), type = "text" },
                  { key = "amount", label = L("当月收入（元）", "its revenue (yuan)"), type = "money" },
                  { key = "new", label = L("本月", "this month"), type = "text" } },
      rows = rows, empty = L("无", "none") },
  },
}
