-- 市局考核 assessment: each city bureau scored on the 100-point scheme (Hubei art. 35) item by item, each deduction and bonus explained; items kam holds no data for are not assessed
-- DOMAIN.md §10.  --quarter 2025Q4 (default: the quarter --month is in).  The scoring is
-- common/assessment.lua's, from the policy's numbers.assessment and assessment_items; an
-- item kam holds no data for is "not assessed", never scored full or zero.
local ctx = ...
local L = ctx.L
local A = require "common.assessment"
local ob = require "common.obligations"
local y, q
if ctx.opts.quarter then
  y, q = A.quarter(ctx.opts.quarter)
  if not y then error(q, 0) end
else
  y, q = ctx.month // 100, (ctx.month % 100 + 2) // 3
end
local doc = A.assess(ob.policy(), y, q)
local names = {
  count_growth = L("大客户数增长", "growth in key accounts"), revenue_growth = L("大客户收入增长", "growth in key-account revenue"),
  top_accounts = L("二类以上大客户", "class 2+ accounts"), archives = L("档案建立与归档", "archives"),
  analysis = L("月度分析", "monthly analysis"), visits = L("走访", "visits"), symposiums = L("座谈会", "symposiums"),
  accuracy = L("数据准确", "data accuracy"),
}
local function pts(v) return v and (math.type(v) == "integer" and tostring(v) or string.format("%.1f", v)) or nil end
local overview, items = {}, {}
for _, b in ipairs(doc.bureaus) do
  overview[#overview + 1] = { bureau = b.bureau, score = pts(b.score), max = pts(b.max), base = b.assessed_base }
  for _, it in ipairs(b.items) do
    items[#items + 1] = { bureau = b.bureau, item = names[it.item] or it.item,
      status = it.status == "assessed" and L("已考核", "assessed") or L("未考核", "not assessed"),
      base = it.base, score = pts(it.score), max = pts(it.max), how = it.arithmetic or it.why }
  end
end

return {
  report = "assessment",
  title = L(string.format("%d年第%d季度市局大客户工作考核", y, q), string.format("Bureau assessment, %s", doc.quarter)),
  period = doc.quarter,
  meta = { { L("政策", "policy"), string.format("%s %s", doc.policy, ctx.policy.version) },
           { L("大客户等级", "key accounts of"), string.format("%d (%s %d)", doc.grade_year, L("对比", "against"),
             doc.grade_year_before) } },
  notes = { L("未考核的项目不计入得分与满分：kam 没有该项的数据，既不记满分也不记零分",
              "an item not assessed counts in neither the score nor the maximum: kam holds no data for it, and scores it neither full nor zero") },
  sections = {
    { key = "bureaus", title = L("得分", "Scores"), rows = overview, empty = L("无", "none"),
      columns = { { key = "bureau", label = L("市局", "bureau"), type = "text" },
                  { key = "score", label = L("得分", "score"), type = "text" },
                  { key = "max", label = L("可得最高分", "maximum"), type = "text" },
                  { key = "base", label = L("已考核项目基础分", "base of the items assessed"), type = "int" } } },
    { key = "items", title = L("分项", "Items"), rows = items, empty = L("无", "none"),
      columns = { { key = "bureau", label = L("市局", "bureau"), type = "text" },
                  { key = "item", label = L("项目", "item"), type = "text" },
                  { key = "status", label = L("状态", "status"), type = "text" },
                  { key = "base", label = L("基础分", "base"), type = "int" },
                  { key = "score", label = L("得分", "score"), type = "text" },
                  { key = "max", label = L("上限", "cap"), type = "text" },
                  { key = "how", label = L("计算", "how"), type = "text" } } },
  },
}
