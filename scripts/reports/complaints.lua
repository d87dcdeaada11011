-- 投诉 complaints: on-time answer rate and satisfaction, in all and by grade, and the complaints open on the day
-- DOMAIN.md §11.  The day is the last of --month (today in the current month); a complaint
-- is due complaint_days after it was received (the policy's number).
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local money = require "common.money"
local day = require("common.money_day").day_of(lib, ctx.month)
local customers = store.customers_brief()

local all = store.complaints(nil, nil, day)
local by_grade, order = {}, {}
for _, c in ipairs(all) do
  local g = store.grade_now(math.tointeger(tonumber(c.code)), ctx.policy.name) or "none"
  if not by_grade[g] then by_grade[g] = {} order[#order + 1] = g end
  table.insert(by_grade[g], c)
end
local rank = {}
for i, g in ipairs(ctx.policy.grades) do rank[g] = i end
table.sort(order, function(a, b) return (rank[a] or 1e9) < (rank[b] or 1e9) end)

local function measure_row(label, rows)
  local m = money.complaint_measures(rows, day)
  local rated = m.satisfaction.satisfied + m.satisfaction.neutral + m.satisfaction.dissatisfied
  return { grade = label, received = m.received, answered = m.answered, on_time = m.on_time, late = m.late,
    open = m.open, overdue = m.overdue, on_time_share = { m.on_time, m.answered + m.overdue },
    satisfied = { m.satisfaction.satisfied, rated }, dissatisfied = m.satisfaction.dissatisfied }
end
local measures = { measure_row(L("合计", "all"), all) }
for _, g in ipairs(order) do measures[#measures + 1] = measure_row(g, by_grade[g]) end

local open = {}
for _, c in ipairs(all) do
  if not (c.answered_on and c.answered_on <= day) then
    local code = math.tointeger(tonumber(c.code))
    open[#open + 1] = { id = c.id, code = c.code, name = customers[code] and customers[code].name,
      received = c.received_on, owner = c.owner, answer_by = c.answer_by,
      late = c.answer_by < day and money.days_between(c.answer_by, day) or nil }
  end
end

return {
  report = "complaints",
  title = L("投诉处理情况", "Complaints"),
  period = day,
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("答复时限", "answer within"), L(string.format("%d天", ctx.policy.numbers.complaint_days or 0),
             string.format("%d days", ctx.policy.numbers.complaint_days or 0)) } },
  notes = { L("及时率 = 按期答复 ÷（已答复 + 逾期未答复）；满意率 = 满意 ÷ 已评价",
              "on time = answered by the day due ÷ (answered + overdue unanswered); satisfied = satisfied ÷ rated") },
  sections = {
    { key = "measures", title = L("处理质量", "Measures"), rows = measures,
      columns = { { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "received", label = L("受理", "received"), type = "int" },
                  { key = "answered", label = L("已答复", "answered"), type = "int" },
                  { key = "on_time", label = L("按期", "on time"), type = "int" },
                  { key = "late", label = L("超期答复", "late"), type = "int" },
                  { key = "open", label = L("未答复", "open"), type = "int" },
                  { key = "overdue", label = L("逾期未答复", "overdue"), type = "int" },
                  { key = "on_time_share", label = L("及时率%", "on time %"), type = "share" },
                  { key = "satisfied", label = L("满意率%", "satisfied %"), type = "share" },
                  { key = "dissatisfied", label = L("不满意", "dissatisfied"), type = "int" } } },
    { key = "open", title = L("未答复投诉", "Open complaints"), rows = open, empty = L("无", "none"),
      columns = { { key = "id", label = L("编号", "id"), type = "int" },
                  { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "received", label = L("受理日", "received"), type = "text" },
                  { key = "owner", label = L("首问责任人", "owner"), type = "text" },
                  { key = "answer_by", label = L("答复期限", "answer by"), type = "text" },
                  { key = "late", label = L("逾期天数", "days late"), type = "int" } } },
  },
}
