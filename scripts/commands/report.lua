-- kam report NAME [--month YYYY-MM] [--format table|csv|json|html] [-o FILE] [--lang zh|en]:
-- run the report script scripts/reports/NAME.lua (or a file: a center's own copy), which
-- returns a document (README, "Reports"), and print it in one format.
local cli = require "common.cli"

local USAGE = [[
usage: kam report NAME [ARG ...] [--month YYYY-MM] [--quarter YYYYQN] [--format table|csv|json|html|xlsx] [-o FILE]
                   [--lang zh|en] [--section KEY,...]
       kam report list
Run report NAME (scripts/reports/NAME.lua, or a .lua file of your own) for a month
(default: the month before this one, in the database's timezone) and print it: an
aligned table, CSV (each section under its title), JSON (one document), HTML (one
self-contained page with charts, printable on A4) or XLSX (one sheet per section,
through the xlsx plugin; needs -o FILE).  Titles and labels are Chinese unless --lang
en.  -o FILE writes the file (replaced whole when done); the format defaults to FILE's
extension, else table (json with --json).  --section keeps only the sections named
(their keys: kam --json report NAME lists them).  Reports shipped: monthly, logistics,
grades, churn, kpi CODE (kpi --grade G: its sections for every key account of grade G),
and on the month's last day (today in this month): discounts, claims, arrears,
complaints, staffing, visits; assessment --quarter 2025Q4 (the city bureaus scored).
]]

-- kam puts this script's directory first in package.path; the reports sit beside it.
local here = package.path:match("^([^;]*)/%?%.lua") or "."
local REPORTS = here .. "/../reports"
package.path = REPORTS .. "/?.lua;" .. package.path

local args = { ... }
for i, a in ipairs(args) do if a == "-o" then args[i] = "--output" end end
local opts, operands = cli.parse(args, { month = "value", format = "value", output = "value", lang = "value",
  grade = "value", section = "value", quarter = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help then io.write(USAGE) return 0 end
local name = operands[1]
if not name then return cli.usage_error("report needs a report name (kam report list)", USAGE) end

if name == "list" then
  local rows = {}
  local p = io.popen("ls '" .. REPORTS:gsub("'", "'\\''") .. "' 2>/dev/null")
  for f in p:lines() do
    local n = f:match("^(.-)%.lua$")
    if n then
      local src = io.open(REPORTS .. "/" .. f):read("l") or ""
      rows[#rows + 1] = { name = n, title = src:gsub("^%-%-%s*", "") }
    end
  end
  p:close()
  if kam.output_json then print(kam.json.encode(kam.json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "name", "title" }, labels = { name = "report", title = "what it shows" } })
  return 0
end

local lang = opts.lang or "zh"
if lang ~= "zh" and lang ~= "en" then return cli.usage_error("--lang must be zh or en, not '" .. lang .. "'", USAGE) end

local format = opts.format
if not format and opts.output then
  local ext = opts.output:match("%.([%w]+)$")
  ext = ext and ext:lower()
  if ext == "htm" then ext = "html" elseif ext == "txt" then ext = "table" end
  format = ext
end
format = format or (kam.output_json and "json" or "table")
local render = require "common.render"
if not (format == "table" or format == "csv" or format == "json" or format == "html" or format == "xlsx") then
  return cli.usage_error("unknown format '" .. format .. "' (table, csv, json, html, xlsx)", USAGE)
end
if format == "xlsx" and not opts.output then
  return cli.usage_error("--format xlsx needs -o FILE", USAGE)
end

local month
if opts.month then
  local y, m = opts.month:match("^(%d%d%d%d)%-(%d%d)$")
  y, m = tonumber(y), tonumber(m)
  if not y or m < 1 or m > 12 or y < 1900 then
    return cli.usage_error("--month '" .. opts.month .. "' must be a month like 2025-06", USAGE)
  end
  month = y * 100 + m
else
  -- This month in the database's timezone (meta `timezone`, which kam init --timezone
  -- records), else the machine's; the default is the month before it.
  local y, m = kam.store.today():match("^(%d+)-(%d+)")
  y, m = tonumber(y), tonumber(m)
  month = m == 1 and (y - 1) * 100 + 12 or y * 100 + m - 1
end

local path
if name:find("/") or name:match("%.lua$") then
  path = name
else
  if not name:match("^[%w_%-]+$") then return cli.usage_error("report name '" .. name .. "' is not a report", USAGE) end
  path = REPORTS .. "/" .. name .. ".lua"
  local f = io.open(path)
  if not f then return cli.usage_error("no report '" .. name .. "' (kam report list)", USAGE) end
  f:close()
end
local chunk, err = loadfile(path, "t")
if not chunk then error(err, 0) end

local policy <close> = kam.grading.policy(kam.policy)
local info = policy:info()
local lib = require "common.report"
local ctx = {
  name = name:match("([^/]-)%.lua$") or name, month = month, lang = lang, L = lib.labeler(lang),
  store = kam.store, lib = lib, args = { table.unpack(operands, 2) }, opts = opts, user = kam.user,
  policy = { name = info.name, version = info.version, title = info.title, grades = info.grades,
             revenue_lines = info.revenue_lines, numbers = info.module.numbers or {} },
}
local doc = chunk(ctx)
render.check(doc, ctx.name)
if opts.section then
  local want, kept, seen = {}, {}, {}
  for k in opts.section:gmatch("[^,]+") do want[k] = true end
  for _, s in ipairs(doc.sections) do
    if want[s.key] then kept[#kept + 1] = s; seen[s.key] = true end
  end
  for k in pairs(want) do
    if not seen[k] then
      local keys = {}
      for _, s in ipairs(doc.sections) do keys[#keys + 1] = s.key end
      return cli.usage_error(string.format("report %s has no section '%s' (%s)", ctx.name, k, table.concat(keys, ", ")), USAGE)
    end
  end
  doc.sections = kept
end
local text = format ~= "xlsx" and render[format](doc, lang)

if opts.output then
  -- Written under a temporary name beside it and renamed: the file is whole or not there.
  -- A device (/dev/null, /dev/stdout) is written to as it is: renamed over, it would be
  -- replaced by a plain file.
  local tmp = opts.output:match("^/dev/") and opts.output or opts.output .. ".tmp" .. tostring(os.time())
  if format == "xlsx" then
    local ok, werr = pcall(render.xlsx, doc, lang, tmp)
    if not ok then if tmp ~= opts.output then os.remove(tmp) end error(werr, 0) end
  else
    local f, why = io.open(tmp, "wb")
    if not f then error("report: " .. why, 0) end
    local ok, werr = f:write(text)
    if ok then ok, werr = f:close() else f:close() end
    if not ok then
      if tmp ~= opts.output then os.remove(tmp) end
      error("report: " .. opts.output .. ": " .. tostring(werr), 0)
    end
  end
  if tmp ~= opts.output then
    local renamed, rerr = os.rename(tmp, opts.output)
    if not renamed then os.remove(tmp) error("report: " .. tostring(rerr), 0) end
  end
  if kam.output_json then
    print(kam.json.encode({ report = ctx.name, month = lib.month_text(month), format = format, file = opts.output },
      { indent = 2 }))
  else
    io.stderr:write(string.format("kam: wrote report %s for %s to %s\n", ctx.name, lib.month_text(month), opts.output))
  end
  return 0
end
if kam.output_json and format ~= "json" then
  print(kam.json.encode({ report = ctx.name, month = lib.month_text(month), format = format, text = text }, { indent = 2 }))
  return 0
end
io.write(text)
return 0
