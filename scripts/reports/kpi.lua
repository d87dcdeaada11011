-- 大客户KPI kpi CODE | kpi --grade G: a customer's revenue and volume over 24 months, lines used, grade history with reasons, overrides
-- DOMAIN.md §8: Hubei files class 1's KPI report monthly (numbers.kpi_monthly_grades).
-- `kpi --grade G` gives one set of sections per key account of grade G (graded for the
-- year before --month), in code order.
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local M = ctx.month
local first = lib.month_add(M, -23)
local lines_of = {}
for _, l in ipairs(ctx.policy.revenue_lines) do lines_of[l] = true end

local codes = {}
if ctx.opts.grade then
  local key, why = lib.key_accounts(store, M)
  if not key then error(why, 0) end
  for code, g in pairs(key) do if g == ctx.opts.grade then codes[#codes + 1] = code end end
  table.sort(codes)
  if #codes == 0 then error(string.format("no key account of grade '%s' for %d", ctx.opts.grade, M // 100 - 1), 0) end
else
  local c = ctx.args[1]
  if not c or not c:match("^[1-9]%d%d%d%d%d%d%d%d%d%d%d%d%d$") then
    error("kpi needs a 14-digit customer code, or --grade G", 0)
  end
  codes[1] = math.tointeger(tonumber(c))
end

local sections = {}
for _, code in ipairs(codes) do
  local c = store.customer_row(code)
  if not c then error(string.format("no customer %014d", code), 0) end
  local tag = string.format("%014d", code)
  local per, used = {}, {}
  for _, m in ipairs(lib.months(first, M)) do per[m] = { month = lib.month_text(m), all = 0, counted = 0, volume = 0 } end
  for _, r in ipairs(store.customer_ledger(code, first, M)) do
    local p = per[r.month]
    p.all = p.all + r.amount
    p.volume = p.volume + (r.volume or 0)
    if lines_of[r.line] then p.counted = p.counted + r.amount end
    local u = used[r.line] or { line = r.line, amount = 0, months = 0 }
    used[r.line] = u
    u.amount, u.months = u.amount + r.amount, u.months + 1
  end
  local rows = {}
  for _, m in ipairs(lib.months(first, M)) do
    local p = per[m]
    local prevm = per[lib.month_add(m, -1)]
    p.mom = prevm and { p.counted, prevm.counted } or nil
    rows[#rows + 1] = p
  end
  local lrows = {}
  for _, u in pairs(used) do lrows[#lrows + 1] = u end
  table.sort(lrows, function(a, b) return a.line < b.line end)
  local hist = {}
  for _, h in ipairs(store.grade_history(code)) do
    local ok, reasons = pcall(kam.json.decode, h.reasons or "[]")
    hist[#hist + 1] = { year = h.year, grade = h.grade, computed = h.computed ~= h.grade and h.computed or nil,
      policy = (h.policy or "") .. " " .. (h.policy_version or ""),
      reasons = ok and type(reasons) == "table" and table.concat(reasons, "；") or (h.reasons or "") }
  end
  local orows = {}
  for _, o in ipairs(store.overrides_of(code)) do
    orows[#orows + 1] = { id = o.id, kind = o.kind, grade = o.grade,
      period = o.valid_from .. ".." .. (o.valid_until or ""), reason = o.reason, by = o.created_by,
      state = o.revoked_at and L("已撤销", "revoked") or "" }
  end
  local head = string.format("%s %s", tag, c.name)
  sections[#sections + 1] = { key = "revenue-" .. tag, title = head .. L(" 近24个月收入与业务量", ": revenue and volume, 24 months"),
    page_break = #sections > 0,   -- printed, each customer starts a sheet of its own
    columns = { { key = "month", label = L("月份", "month"), type = "text" },
                { key = "counted", label = L("计入收入（元）", "counted revenue (yuan)"), type = "money" },
                { key = "mom", label = L("环比%", "MoM %"), type = "pct" },
                { key = "all", label = L("全部业务收入（元）", "all lines (yuan)"), type = "money" },
                { key = "volume", label = L("业务量", "volume"), type = "int" } },
    rows = rows,
    chart = { type = "line", x = "month", y = { "counted", "all" }, title = L("收入走势", "revenue") } }
  sections[#sections + 1] = { key = "lines-" .. tag, title = head .. L(" 使用业务", ": business lines used"),
    columns = { { key = "line", label = L("业务", "line"), type = "text" },
                { key = "amount", label = L("24个月收入（元）", "revenue, 24 months (yuan)"), type = "money" },
                { key = "months", label = L("有记录月数", "months with rows"), type = "int" } },
    rows = lrows, empty = L("无", "none") }
  sections[#sections + 1] = { key = "grades-" .. tag, title = head .. L(" 等级历史", ": grade history"),
    columns = { { key = "year", label = L("年度", "year"), type = "int" },
                { key = "grade", label = L("等级", "grade"), type = "text" },
                { key = "computed", label = L("计算等级", "computed"), type = "text" },
                { key = "policy", label = L("评级政策", "policy"), type = "text" },
                { key = "reasons", label = L("评级理由", "reasons"), type = "text" } },
    rows = hist, empty = L("未评级", "never graded") }
  sections[#sections + 1] = { key = "overrides-" .. tag, title = head .. L(" 人工调整", ": overrides"),
    columns = { { key = "id", label = "#", type = "int" },
                { key = "kind", label = L("类型", "kind"), type = "text" },
                { key = "grade", label = L("等级", "grade"), type = "text" },
                { key = "period", label = L("有效期", "period"), type = "text" },
                { key = "reason", label = L("理由", "reason"), type = "text" },
                { key = "by", label = L("录入人", "by"), type = "text" },
                { key = "state", label = L("状态", "state"), type = "text" } },
    rows = orows, empty = L("无", "none") }
end

return {
  report = "kpi",
  title = ctx.opts.grade and L(string.format("%s %s类大客户KPI", lib.month_zh(M), ctx.opts.grade),
      string.format("KPI of grade %s key accounts, %s", ctx.opts.grade, lib.month_text(M)))
    or L(string.format("%s 大客户KPI：%014d", lib.month_zh(M), codes[1]), string.format("KPI %014d, %s", codes[1], lib.month_text(M))),
  period = lib.month_text(M),
  meta = { { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
           { L("计入收入", "counted revenue"), table.concat(ctx.policy.revenue_lines, ", ") },
           { L("客户数", "customers"), tostring(#codes) } },
  sections = sections,
}
