-- 客户经理配备 staffing: the managers each grade requires by the policy's ratios against those serving, with the arithmetic; managers over their load; key accounts without a manager
-- DOMAIN.md §4.  The day is the last of --month (today in the current month); the grades are
-- those of the last year graded by then, as kam manager staffing reads them.
local ctx = ...
local lib, L = ctx.lib, ctx.L
local ob = require "common.obligations"
local day = require("common.money_day").day_of(lib, ctx.month)
local p = ob.policy()
local st, why = ob.staffing_on(p, day, 1000)
if not st then error(why, 0) end

local grades = {}
for _, r in ipairs(st.grades) do
  grades[#grades + 1] = { grade = r.grade, customers = r.customers, rule = r.rule, required = r.required,
    managers = r.managers, short = r.short, unassigned = r.unassigned, arithmetic = r.arithmetic }
end
local over = {}
for _, o in ipairs(st.over) do
  over[#over + 1] = { manager = o.manager, used = o.used, capacity = o.capacity, arithmetic = o.arithmetic }
end
local notes = {}
if st.unassigned_total > #st.unassigned then
  notes[#notes + 1] = L(string.format("无客户经理的大客户共%d户，列出前%d户", st.unassigned_total, #st.unassigned),
    string.format("%d key accounts without a manager; the first %d listed", st.unassigned_total, #st.unassigned))
end
local sections = {
  { key = "grades", title = L("按等级应配客户经理", "Managers required per grade"), rows = grades,
    columns = { { key = "grade", label = L("等级", "grade"), type = "text" },
                { key = "customers", label = L("客户数", "customers"), type = "int" },
                { key = "rule", label = L("配备标准", "ratio"), type = "text" },
                { key = "required", label = L("应配", "required"), type = "int" },
                { key = "managers", label = L("在岗", "serving"), type = "int" },
                { key = "short", label = L("缺口", "short"), type = "int" },
                { key = "unassigned", label = L("无经理客户", "without a manager"), type = "int" },
                { key = "arithmetic", label = L("计算", "arithmetic"), type = "text" } } },
  { key = "over", title = L("超负荷客户经理", "Managers over their load"), rows = over, empty = L("无", "none"),
    columns = { { key = "manager", label = L("客户经理", "manager"), type = "text" },
                { key = "used", label = L("负荷", "load"), type = "int" },
                { key = "capacity", label = L("上限", "capacity"), type = "int" },
                { key = "arithmetic", label = L("计算", "arithmetic"), type = "text" } } },
  { key = "unassigned", title = L("无客户经理的大客户", "Key accounts without a manager"), rows = st.unassigned,
    empty = L("无", "none"),
    columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                { key = "name", label = L("客户名称", "name"), type = "text" },
                { key = "grade", label = L("等级", "grade"), type = "text" },
                { key = "city", label = L("地市", "city"), type = "text" },
                { key = "county", label = L("县区", "county"), type = "text" } } },
}
if st.pairs then
  local missing = {}
  for _, r in ipairs(st.pairs.missing) do missing[#missing + 1] = r end
  sections[#sections + 1] = { key = "ab_pair", title = L(string.format("缺A/B角的大客户（%s及以上）", st.pairs.from),
      string.format("Key accounts (grade %s and better) without both an A and a B manager", st.pairs.from)),
    rows = missing, empty = L("无", "none"),
    columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                { key = "name", label = L("客户名称", "name"), type = "text" },
                { key = "grade", label = L("等级", "grade"), type = "text" },
                { key = "lacks", label = L("缺", "lacks"), type = "text" } } }
end

return {
  report = "staffing",
  title = L("客户经理配备情况", "Customer manager staffing"),
  period = day,
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", p.name, ctx.policy.version) },
           { L("等级年度", "grades of"), tostring(st.grade_year) },
           { L("应配合计/在岗", "required / serving"), string.format("%d / %d", st.required, st.managers) } },
  notes = notes,
  sections = sections,
}
