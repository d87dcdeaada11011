-- 资费优惠 discounts: requests pending and overdue on the day, and what each customer is granted now
-- DOMAIN.md §5.  The day is the last of --month (today in the current month).  A rate the
-- reader may not see comes masked from the storage layer ("***") and is shown so.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local money = require "common.money"
local day = require("common.money_day").day_of(lib, ctx.month)
local customers = store.customers_brief()

local function rows_of(list)
  local rows = {}
  for _, d in ipairs(list) do
    rows[#rows + 1] = { id = d.id, code = d.code, name = customers[math.tointeger(tonumber(d.code))] and
      customers[math.tointeger(tonumber(d.code))].name, line = d.line, rate = money.pct(d.rate_bp),
      route = d.route, requested = d.requested_on, answer_by = d.answer_by,
      late = d.answer_by < day and money.days_between(d.answer_by, day) or nil,
      from = d.valid_from, ["until"] = d.valid_until, level = d.level, answered = d.answered_on }
  end
  return rows
end
local pending = rows_of(store.discounts(nil, "pending", day))
local overdue, waiting = {}, {}
for _, r in ipairs(pending) do table.insert(r.late and overdue or waiting, r) end
local granted = rows_of(store.discounts(nil, "granted", day))

local function cols(keys)
  local all = {
    id = { key = "id", label = L("编号", "id"), type = "int" },
    code = { key = "code", label = L("客户代码", "code"), type = "code" },
    name = { key = "name", label = L("客户名称", "name"), type = "text" },
    line = { key = "line", label = L("业务", "line"), type = "text" },
    rate = { key = "rate", label = L("优惠幅度", "rate off"), type = "text" },
    route = { key = "route", label = L("审批层级", "route"), type = "text" },
    requested = { key = "requested", label = L("申请日", "requested"), type = "text" },
    answer_by = { key = "answer_by", label = L("答复期限", "answer by"), type = "text" },
    late = { key = "late", label = L("逾期天数", "days late"), type = "int" },
    from = { key = "from", label = L("起始日", "from"), type = "text" },
    ["until"] = { key = "until", label = L("终止日", "until"), type = "text" },
    level = { key = "level", label = L("批准层级", "approved at"), type = "text" },
    answered = { key = "answered", label = L("批准日", "approved on"), type = "text" },
  }
  local c = {}
  for i, k in ipairs(keys) do c[i] = all[k] end
  return c
end

return {
  report = "discounts",
  title = L("资费优惠审批情况", "Discount requests and grants"),
  period = day,
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("待答复", "pending"), tostring(#pending) }, { L("逾期未答复", "overdue"), tostring(#overdue) },
           { L("有效优惠", "granted now"), tostring(#granted) } },
  sections = {
    { key = "overdue", title = L("逾期未答复", "Overdue answers"), rows = overdue, empty = L("无", "none"),
      columns = cols { "id", "code", "name", "line", "rate", "route", "requested", "answer_by", "late" } },
    { key = "pending", title = L("待答复（未到期）", "Pending, not yet due"), rows = waiting, empty = L("无", "none"),
      columns = cols { "id", "code", "name", "line", "rate", "route", "requested", "answer_by" } },
    { key = "granted", title = L("现行优惠", "Granted now"), rows = granted, empty = L("无", "none"),
      columns = cols { "id", "code", "name", "line", "rate", "from", "until", "level", "answered" } },
  },
}
