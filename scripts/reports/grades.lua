-- 大客户等级分布 grades: count and revenue per grade and place for a graded year, and the transition matrix from the year before
-- The year is the one whose grades make the key accounts of --month (the year before
-- the month's); its revenue is the year's, January to December, on the policy's lines.
-- A customer with no decision in a year is "ungraded" there.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local year = ctx.month // 100 - 1
local now = store.current_grades(year)
if next(now) == nil then error(string.format("%d is not graded (kam grade --year %d)", year, year), 0) end
local before = store.current_grades(year - 1)
local customers = store.customers_brief()
local by_code = store.revenue { lines = ctx.policy.revenue_lines, windows = { { year * 100 + 1, year * 100 + 12 } } }

local grades = {}
for _, g in ipairs(ctx.policy.grades) do grades[#grades + 1] = g end
grades[#grades + 1] = "none"
local PLACES = { "capital", "city", "county" }
local PLACE_LABEL = { capital = L("省会", "capital"), city = L("地市", "city"), county = L("县", "county") }

-- per grade and place
local cell = {}
local total = 0
for code, d in pairs(now) do
  local c = customers[code]
  local place = c and c.place or "city"
  local k = d.grade .. "|" .. place
  local r = cell[k] or { n = 0, amount = 0 }
  cell[k] = r
  r.n = r.n + 1
  local a = by_code[code] and by_code[code][1] or 0
  r.amount = r.amount + a
  total = total + a
end
local rows = {}
for _, g in ipairs(grades) do
  local gn, ga = 0, 0
  for _, p in ipairs(PLACES) do
    local r = cell[g .. "|" .. p]
    if r then
      rows[#rows + 1] = { grade = g, place = PLACE_LABEL[p], n = r.n, amount = r.amount, share = { r.amount, total } }
      gn, ga = gn + r.n, ga + r.amount
    end
  end
  rows[#rows + 1] = { grade = g, place = L("合计", "all"), n = gn, amount = ga, share = { ga, total } }
end

-- transitions: rows the grade of year - 1, columns the grade of year
local cols = { { key = "from", label = L(string.format("%d年等级", year - 1), string.format("grade %d", year - 1)), type = "text" } }
for i, g in ipairs(grades) do cols[#cols + 1] = { key = "g" .. i, label = g, type = "int" } end
local index = {}
for i, g in ipairs(grades) do index[g] = i end
local matrix, from_order = {}, {}
for _, g in ipairs(grades) do from_order[#from_order + 1] = g end
from_order[#from_order + 1] = "ungraded"
for _, g in ipairs(from_order) do matrix[g] = {} end
for code, d in pairs(now) do
  local f = before[code] and before[code].grade or "ungraded"
  if not matrix[f] then matrix[f] = {}; from_order[#from_order + 1] = f end
  local i = index[d.grade]
  if not i then grades[#grades + 1] = d.grade; i = #grades; index[d.grade] = i; cols[#cols + 1] = { key = "g" .. i, label = d.grade, type = "int" } end
  matrix[f][i] = (matrix[f][i] or 0) + 1
end
local mrows = {}
for _, f in ipairs(from_order) do
  local r = { from = f == "ungraded" and L("未评级", "ungraded") or f }
  local any = false
  for i in ipairs(grades) do r["g" .. i] = matrix[f][i] or 0; any = any or (matrix[f][i] or 0) > 0 end
  if any then mrows[#mrows + 1] = r end
end

return {
  report = "grades",
  title = L(string.format("%d年大客户等级分布", year), string.format("Key-account grades, %d", year)),
  period = tostring(year),
  meta = { { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("收入口径", "revenue"), table.concat(ctx.policy.revenue_lines, ", ") } },
  sections = {
    { key = "by_grade", title = L("分等级、分地区户数与收入", "Customers and revenue by grade and place"),
      columns = { { key = "grade", label = L("等级", "grade"), type = "text" },
                  { key = "place", label = L("地区", "place"), type = "text" },
                  { key = "n", label = L("户数", "customers"), type = "int" },
                  { key = "amount", label = L("全年收入（元）", "revenue (yuan)"), type = "money" },
                  { key = "share", label = L("占比%", "share %"), type = "share" } },
      rows = rows },
    { key = "transitions", title = L(string.format("等级变动（%d→%d）", year - 1, year),
        string.format("Grade transitions %d → %d", year - 1, year)),
      columns = cols, rows = mrows,
      note = L("行：上年等级；列：本年等级。", "Rows: last year's grade; columns: this year's.") },
  },
}
