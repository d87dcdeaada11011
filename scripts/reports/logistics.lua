-- 物流大客户月报 Hubei's monthly logistics form (seed 000 annex 3): top logistics key accounts of the capital, each city and each county
-- DOMAIN.md §8.  Logistics key accounts: key accounts of the month (graded for the year
-- before, not "none") with logistics revenue this month, customers of the 三农 rural
-- programme excluded; ranked by this month's `logistics` revenue within the capital, each
-- city (its `city` customers) and each county (its `county` customers), as many as the
-- policy's numbers.logistics_report_top says (customers tied with the last one are kept:
-- "at least").  Revenue in 万元 on the filed form (exact yuan in --format json).
local ctx = ...
local store, lib, L = ctx.store, ctx.lib, ctx.L
local M = ctx.month
local top = ctx.policy.numbers.logistics_report_top
if type(top) ~= "table" then
  error(string.format("policy %s sets no logistics form (numbers.logistics_report_top): it is Hubei's form",
    ctx.policy.name), 0)
end

local key, nkey, key_year = lib.key_accounts(store, M)
if not key then error(nkey, 0) end
local prev, last_year, jan = lib.month_add(M, -1), lib.month_add(M, -12), (M // 100) * 100 + 1
local by_code = store.revenue {
  lines = { "logistics" },
  windows = { { M, M }, { prev, prev }, { jan, M }, { jan - 100, last_year } },
}
local customers = store.customers_brief()

-- groups: the capital, each city, each county
local groups, order = {}, {}
local function group_of(c)
  if c.place == "capital" then return "capital", L("省会", "capital") .. (c.city and ("（" .. c.city .. "）") or ""), top.capital end
  if c.place == "city" then return "city:" .. tostring(c.city), tostring(c.city), top.city end
  return "county:" .. tostring(c.city) .. "/" .. tostring(c.county), tostring(c.city) .. " " .. tostring(c.county), top.county
end
local excluded = 0
for code, g in pairs(key) do
  local c, r = customers[code], by_code[code]
  if c and r and r[1] > 0 then
    if c.rural == 1 then
      excluded = excluded + 1
    else
      local id, name, n = group_of(c)
      local grp = groups[id]
      if not grp then
        grp = { id = id, name = name, n = n or 0, place = c.place, rows = {} }
        groups[id] = grp
        order[#order + 1] = grp
      end
      grp.rows[#grp.rows + 1] = { code = code, name = c.name, grade = g, now = r[1], base = r[2], ytd = r[3], ytd_ly = r[4],
        vnow = r[5], vbase = r[6], vytd = r[7], vytd_ly = r[8] }
    end
  end
end
local PLACE_ORDER = { capital = 1, city = 2, county = 3 }
table.sort(order, function(a, b)
  if a.place ~= b.place then return PLACE_ORDER[a.place] < PLACE_ORDER[b.place] end
  return a.name < b.name
end)

local rows = {}
for _, grp in ipairs(order) do
  table.sort(grp.rows, function(a, b) if a.now ~= b.now then return a.now > b.now end return a.code < b.code end)
  local rank = 0
  for i, r in ipairs(grp.rows) do
    if i > 1 and r.now ~= grp.rows[i - 1].now then rank = i elseif i == 1 then rank = 1 end
    if rank > grp.n then break end
    rows[#rows + 1] = { area = grp.name, rank = rank, code = r.code, name = r.name, grade = r.grade,
      now = r.now, mom = { r.now, r.base }, ytd = r.ytd, yoy = { r.ytd, r.ytd_ly },
      vnow = r.vnow, vmom = { r.vnow, r.vbase }, vytd = r.vytd, vyoy = { r.vytd, r.vytd_ly } }
  end
end

local due = lib.month_add(M, 1)
return {
  report = "logistics",
  title = L(string.format("%s物流大客户收入情况表", lib.month_zh(M)),
    string.format("Logistics key accounts, %s", lib.month_text(M))),
  period = lib.month_text(M),
  meta = {
    { L("政策", "policy"), string.format("%s %s", ctx.policy.name, ctx.policy.version) },
    { L("报送期限", "due"), L(string.format("%d年%d月%d日前（含）", due // 100, due % 100, ctx.policy.numbers.logistics_report_day or 5),
      string.format("by %s-%02d (included)", lib.month_text(due), ctx.policy.numbers.logistics_report_day or 5)) },
    { L("范围", "scope"), L(string.format("%d年评级的大客户，物流收入，省会前%d名、各地市前%d名、各县前%d名（并列者均列入），三农客户除外（%d户）",
        key_year, top.capital or 0, top.city or 0, top.county or 0, excluded),
      string.format("key accounts graded for %d, logistics revenue; top %d of the capital, %d of each city, %d of each county (ties kept); %d 三农 customers excluded",
        key_year, top.capital or 0, top.city or 0, top.county or 0, excluded)) },
  },
  data = { excluded_rural = excluded },
  sections = {
    { key = "form", title = L("物流大客户", "Logistics key accounts"),
      columns = {
        { key = "area", label = L("地区", "area"), type = "text" },
        { key = "rank", label = L("排名", "rank"), type = "int" },
        { key = "name", label = L("客户名称", "name"), type = "text" },
        { key = "grade", label = L("等级", "grade"), type = "text" },
        { key = "now", label = L("本月收入（万元）", "revenue (10k yuan)"), type = "wan" },
        { key = "mom", label = L("比上月±%", "vs last month %"), type = "pct" },
        { key = "ytd", label = L("本年累计（万元）", "year to date (10k yuan)"), type = "wan" },
        { key = "yoy", label = L("比去年同期±%", "vs same period last year %"), type = "pct" },
        { key = "vnow", label = L("本月业务量", "volume"), type = "int" },
        { key = "vmom", label = L("比上月±%", "vs last month %"), type = "pct" },
        { key = "vytd", label = L("本年累计业务量", "volume year to date"), type = "int" },
        { key = "vyoy", label = L("比去年同期±%", "vs same period last year %"), type = "pct" },
        { key = "code", label = L("客户代码", "code"), type = "code" },
      },
      rows = rows,
      empty = L("本月无物流大客户收入", "no logistics key-account revenue this month"),
      chart = { type = "bar", x = "name", y = { "now" }, title = L("物流收入", "logistics revenue") } },
  },
}
