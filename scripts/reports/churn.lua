-- 大客户流失 churn: key accounts with no revenue for the policy's churn_months consecutive months, with last grade and revenue
-- DOMAIN.md §9.  A key account of the month (graded for the year before, not "none") is
-- lost when it has had no revenue (a sum on the policy's lines above zero) in each of the
-- last churn_months months up to --month; "new" marks those whose loss shows this month
-- (revenue in the month before that window).  Each lost account's cause, once recorded
-- (kam churn cause), is shown with who handles the loss and what follows.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local M = ctx.month
local k = ctx.policy.numbers.churn_months
local lost, nkey, key_year = require("common.churn").lost(store, lib, ctx.policy, M)
if not lost then error(nkey, 0) end
local customers = store.customers_brief()
local causes = {}
for _, c in ipairs(store.churn_causes(M)) do causes[math.tointeger(tonumber(c.code))] = c end
local families = { customer = L("客户自身原因", "the customer's own"), network = L("网络原因", "the network's"),
                   service = L("服务原因", "service failure"), other = L("其他", "other") }

local rows, unexplained = {}, 0
for _, l in ipairs(lost) do
  local c = causes[l.code]
  if not c then unexplained = unexplained + 1 end
  rows[#rows + 1] = { code = l.code, name = customers[l.code] and customers[l.code].name, grade = l.grade,
    last = l.last and lib.month_text(l.last) or L("24个月内无", "none in 24 months"), amount = l.amount,
    new = l.new and L("本月新流失", "new") or "",
    family = c and families[c.family] or L("未记录", "not recorded"), cause = c and c.cause,
    handled_by = c and c.handled_by, follow_up = c and c.follow_up }
end

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
                  { key = "new", label = L("本月", "this month"), type = "text" },
                  { key = "family", label = L("流失原因类别", "cause"), type = "text" },
                  { key = "cause", label = L("原因", "in words"), type = "text" },
                  { key = "handled_by", label = L("处理", "handled by"), type = "text" },
                  { key = "follow_up", label = L("后续", "then"), type = "text" } },
      rows = rows, empty = L("无", "none"),
      note = unexplained > 0 and L(string.format("%d户未记录流失原因（kam churn cause）", unexplained),
        string.format("%d without a recorded cause (kam churn cause)", unexplained)) or nil },
  },
}
