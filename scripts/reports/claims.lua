-- 赔偿 compensation claims: open, overdue (with the deadlines missed) and paid, on the day
-- DOMAIN.md §4.  The day is the last of --month (today in the current month); "paid" lists
-- the claims paid in the month.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local money = require "common.money"
local day = require("common.money_day").day_of(lib, ctx.month)
local first = string.format("%04d-%02d-01", ctx.month // 100, ctx.month % 100)
local customers = store.customers_brief()
local steps = { report = L("上报", "report"), handle = L("处理", "handle"), pay = L("赔付", "pay") }

local open, overdue, paid = {}, {}, {}
for _, c in ipairs(store.claims(nil, nil, day)) do
  local state, missed, late = money.claim_state(c, day)
  local code = math.tointeger(tonumber(c.code))
  local row = { id = c.id, code = c.code, name = customers[code] and customers[code].name, amount = c.amount,
    claimed = c.claimed_on, route = c.route == "advance" and L("市局先行赔付", "city bureau advances")
      or L("报省审批", "province approves"),
    green = c.green == 1 and L("是", "yes") or "", due = c.pay_by or c.report_by, paid_on = c.paid_on,
    paid_amount = c.paid_amount }
  local names = {}
  for _, m in ipairs(state == "overdue" and missed or late) do names[#names + 1] = steps[m] end
  row.missed = table.concat(names, ", ")
  if state == "paid" then
    if c.paid_on >= first then paid[#paid + 1] = row end
  elseif state == "overdue" then
    overdue[#overdue + 1] = row
  else
    open[#open + 1] = row
  end
end

local function cols(extra)
  local c = { { key = "id", label = L("编号", "id"), type = "int" },
              { key = "code", label = L("客户代码", "code"), type = "code" },
              { key = "name", label = L("客户名称", "name"), type = "text" },
              { key = "amount", label = L("金额（元）", "amount (yuan)"), type = "money" },
              { key = "claimed", label = L("索赔日", "claimed"), type = "text" },
              { key = "route", label = L("处理方式", "route"), type = "text" },
              { key = "green", label = L("绿色通道", "green channel"), type = "text" } }
  for _, e in ipairs(extra) do c[#c + 1] = e end
  return c
end

return {
  report = "claims",
  title = L("赔偿处理情况", "Compensation claims"),
  period = day,
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("逾期", "overdue"), tostring(#overdue) }, { L("办理中", "open"), tostring(#open) },
           { L("本月已赔付", "paid this month"), tostring(#paid) } },
  sections = {
    { key = "overdue", title = L("逾期", "Overdue"), rows = overdue, empty = L("无", "none"),
      columns = cols { { key = "missed", label = L("逾期环节", "deadlines missed"), type = "text" },
                       { key = "due", label = L("期限", "due"), type = "text" } } },
    { key = "open", title = L("办理中", "Open"), rows = open, empty = L("无", "none"),
      columns = cols { { key = "due", label = L("期限", "due"), type = "text" } } },
    { key = "paid", title = L("本月已赔付", "Paid this month"), rows = paid, empty = L("无", "none"),
      columns = cols { { key = "paid_on", label = L("赔付日", "paid on"), type = "text" },
                       { key = "paid_amount", label = L("赔付金额（元）", "paid (yuan)"), type = "money" },
                       { key = "missed", label = L("逾期完成环节", "met late"), type = "text" } } },
  },
}
