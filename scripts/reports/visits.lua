-- 走访 visits: per key account the visits its grade requires in the month (or its year), those made and which are due or overdue; symposiums; archives not refreshed in time
-- DOMAIN.md §4.  The day is the last of --month (today in the current month); the rules are
-- the policy's numbers (visits, center_visits, leadership_visits, symposiums_per_year,
-- archive_refresh_months) as common/obligations.lua reads them for kam visit due.
local ctx = ...
local lib, L = ctx.lib, ctx.L
local ob = require "common.obligations"
local day = require("common.money_day").day_of(lib, ctx.month)
local y, m = ctx.month // 100, ctx.month % 100
local p = ob.policy()

local kinds = { regular = L("日常走访", "regular"), center = L("中心走访", "center"), leadership = L("领导走访", "leadership"),
                head_office = L("总部大客户走访(省局)", "head office (province)") }
local states = { met = L("已完成", "met"), due = L("待走访", "due"), overdue = L("逾期", "overdue"),
                 ["not computed"] = L("未计算", "not computed") }
-- Only what needs action is listed (due or overdue: overdue first, then by code and by the
-- kind's label), with the counts over every key account; the storage layer's query does
-- the counting (common/obligations.lua).
local order = { "regular", "center", "leadership", "head_office" }
local by_label = { table.unpack(order) }
table.sort(by_label, function(a, b) return kinds[a] < kinds[b] end)
local rank = {}
for i, k in ipairs(by_label) do rank[k] = i end
local open, counts, gy = ob.visits_status(p, order, y, m, day, false, rank)
local per = { month = L("每月", "a month"), year = L("每年", "a year") }
for _, r in ipairs(open) do   -- the rows are the report's own: labelled in place
  r.kind, r.per, r.status, r.last = kinds[r.kind], per[r.per], states[r.status], r.last_visit
end
local s = ob.symposiums(p, y, day)
local held_states = { met = L("已完成", "met"), due = L("待召开", "due"), overdue = L("逾期", "overdue"),
                     ["not set by the policy"] = L("政策未规定", "not set by the policy") }  -- a symposium is held, not visited
local stale = {}
for _, a in ipairs(ob.archives_due(p, day)) do
  if a.status ~= "current" then
    stale[#stale + 1] = { code = a.code, name = a.name, grade = a.grade, months = a.months,
      refreshed = a.refreshed_on or L("从未", "never"), due = a.due,
      status = a.status == "overdue" and L("逾期", "overdue") or L("从未更新", "never refreshed") }
  end
end

return {
  report = "visits",
  title = L(string.format("%s大客户走访情况", lib.month_zh(ctx.month)), string.format("Visits, %s", lib.month_text(ctx.month))),
  period = lib.month_text(ctx.month),
  meta = { { L("日期", "on"), day }, { L("政策", "policy"), string.format("%s %s", p.name, ctx.policy.version) },
           { L("等级年度", "grades of"), gy and tostring(gy) or L("未评级", "none graded") },
           { L("已完成/待走访/逾期", "met / due / overdue"),
             string.format("%d / %d / %d", counts.met, counts.due, counts.overdue) } },
  notes = counts["not computed"] > 0 and { L(string.format("%d项规则只适用于某类广度的客户，其等级未带广度标签(在kam保存标签前评定)，未计算；请重新评级", counts["not computed"]),
    string.format("%d not computed: a rule for one breadth only, and the grade carries no breadth label (graded before kam kept it): grade the year again", counts["not computed"])) } or nil,
  sections = {
    { key = "visits", title = L("应走访未完成", "Visits due or overdue"), rows = open, empty = L("无", "none"),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "kind", label = L("走访类型", "kind"), type = "text" },
                  { key = "per", label = L("频次", "per"), type = "text" },
                  { key = "required", label = L("应走访", "required"), type = "int" },
                  { key = "made", label = L("已走访", "made"), type = "int" },
                  { key = "due", label = L("期限", "due"), type = "text" },
                  { key = "status", label = L("状态", "status"), type = "text" },
                  { key = "last", label = L("最近走访", "last visit"), type = "text" } } },
    { key = "symposiums", title = L("座谈会", "Symposiums"),
      rows = { { year = tostring(s.year), held = s.held, required = s.required, status = held_states[s.status] or s.status } },
      columns = { { key = "year", label = L("年度", "year"), type = "text" },
                  { key = "held", label = L("已召开", "held"), type = "int" },
                  { key = "required", label = L("应召开", "required"), type = "int" },
                  { key = "status", label = L("状态", "status"), type = "text" } } },
    { key = "archives", title = L("档案未按期更新", "Archives not refreshed in time"), rows = stale, empty = L("无", "none"),
      columns = { { key = "code", label = L("客户代码", "code"), type = "code" },
                  { key = "name", label = L("客户名称", "name"), type = "text" },
                  { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "months", label = L("更新周期（月）", "every (months)"), type = "int" },
                  { key = "refreshed", label = L("上次更新", "refreshed"), type = "text" },
                  { key = "due", label = L("应更新日", "due"), type = "text" },
                  { key = "status", label = L("状态", "status"), type = "text" } } },
  },
}
