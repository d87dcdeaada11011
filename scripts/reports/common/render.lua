-- One renderer for every report document (the contract is in the README, "Reports"):
-- table (a terminal), csv, json, html (one self-contained page, inline SVG charts, print
-- CSS).  Cells are formatted here and only here, from the column's type; money stays
-- integer fen until it is written, and is written exactly.
local M = {}

local TYPES = { text = true, code = true, int = true, money = true, wan = true, pct = true, share = true }
-- What a confidential value reads as for who may not see it (the storage layer's mask,
-- issue 23): any column may hold it, and it prints as it is.
local MASK = "***"
M.types = TYPES

-- The document is checked before anything is written, so that a report script's mistake
-- is named (the section and column) instead of showing as a broken page.
function M.check(doc, name)
  local function bad(fmt, ...) error(string.format("report %s: " .. fmt, name, ...), 0) end
  if type(doc) ~= "table" then bad("the script returned %s, not a document", type(doc)) end
  if type(doc.title) ~= "string" then bad("the document has no title") end
  if type(doc.sections) ~= "table" then bad("the document has no sections") end
  for i, s in ipairs(doc.sections) do
    local where = string.format("section %d (%s)", i, tostring(s.key))
    if type(s.key) ~= "string" or type(s.title) ~= "string" then bad("%s needs a key and a title", where) end
    if type(s.columns) ~= "table" or type(s.rows) ~= "table" then bad("%s needs columns and rows", where) end
    local keys = {}
    for j, c in ipairs(s.columns) do
      if type(c.key) ~= "string" or type(c.label) ~= "string" then bad("%s: column %d needs a key and a label", where, j) end
      if not TYPES[c.type] then bad("%s: column '%s' has type '%s'", where, c.key, tostring(c.type)) end
      keys[c.key] = c
    end
    for r, row in ipairs(s.rows) do
      for _, c in ipairs(s.columns) do
        local v = row[c.key]
        local t = c.type
        local okv = v == nil or v == MASK
          or (t == "text" and (type(v) == "string" or type(v) == "number"))
          or (t == "code" and (math.type(v) == "integer" or (type(v) == "string" and v:match("^%d+$"))))
          or ((t == "int" or t == "money" or t == "wan") and math.type(v) == "integer")
          or ((t == "pct" or t == "share") and type(v) == "table" and math.type(v[1]) == "integer"
              and math.type(v[2]) == "integer")
        if not okv then
          bad("%s, row %d: column '%s' (%s) holds %s", where, r, c.key, t, type(v) == "table" and "a table" or tostring(v))
        end
      end
    end
    if s.chart then
      local ch = s.chart
      if ch.type ~= "line" and ch.type ~= "bar" and ch.type ~= "diverging" then
        bad("%s: chart type '%s' (line, bar, diverging)", where, tostring(ch.type))
      end
      if not keys[ch.x] then bad("%s: chart x '%s' is not a column", where, tostring(ch.x)) end
      if type(ch.y) ~= "table" or #ch.y == 0 then bad("%s: a chart needs y, a list of columns", where) end
      if ch.label and not keys[ch.label] then bad("%s: chart label '%s' is not a column", where, tostring(ch.label)) end
      for _, y in ipairs(ch.y) do
        if not keys[y] then bad("%s: chart y '%s' is not a column", where, tostring(y)) end
      end
    end
  end
end

-- ---- cells ------------------------------------------------------------------------

local function group3(digits)
  return (digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

-- fen -> "12345.60" (plain) or "12,345.60" (grouped)
function M.yuan(fen, grouped)
  local sign = fen < 0 and "-" or ""
  local a = fen < 0 and -fen or fen
  local whole = tostring(a // 100)
  if grouped then whole = group3(whole) end
  return string.format("%s%s.%02d", sign, whole, a % 100)
end

-- fen -> 万元 with 2 decimals (0.01 万 = 100 yuan = 10,000 fen), half away from zero
function M.wan(fen, grouped)
  local sign = fen < 0 and "-" or ""
  local a = fen < 0 and -fen or fen
  local q = (a + 5000) // 10000
  if q == 0 then sign = "" end
  local whole = tostring(q // 100)
  if grouped then whole = group3(whole) end
  return string.format("%s%s.%02d", sign, whole, q % 100)
end

-- num / den × 100: a percentage with one decimal, half away from zero, in integers
local function tenths(num, den)
  local neg = (num < 0) ~= (den < 0)
  num, den = math.abs(num), math.abs(den)
  local q
  if num > 4000000000000000 then   -- past that num * 2000 would not fit 64 bits: display only
    q = math.floor(num / den * 1000 + 0.5)
  else
    q = (num * 2000 + den) // (2 * den)
  end
  if q == 0 then neg = false end
  return string.format("%s%d.%d", neg and "-" or "", q // 10, q % 10)
end

-- {now, base}: the change in percent; a zero base prints "new" (新增), never a division
function M.pct(v, lang)
  local now, base = v[1], v[2]
  if base == 0 then
    if now == 0 then return "" end
    return lang == "en" and "new" or "新增"
  end
  return tenths(now - base, base < 0 and -base or base)
end

-- {part, whole}: a share in percent; nothing when the whole is not above zero
function M.share(v)
  if v[2] <= 0 then return "" end
  return tenths(v[1], v[2])
end

-- A cell as text.  style: "display" (grouped money) or "plain" (csv, json)
function M.cell(c, v, lang, style)
  if v == nil then return "" end
  if v == MASK then return v end
  local t = c.type
  if t == "money" then return M.yuan(v, style == "display") end
  if t == "wan" then return M.wan(v, style == "display") end
  if t == "pct" then return M.pct(v, lang) end
  if t == "share" then return M.share(v) end
  if t == "code" then return math.type(v) == "integer" and string.format("%014d", v) or v end
  return tostring(v)
end

local function numeric(t) return t ~= "text" and t ~= "code" end

-- ---- table (terminal) ------------------------------------------------------------

local ok_format, format = pcall(require, "kam.format")
local function width(s)
  -- Printable ASCII is one column a byte (most cells: codes, numbers, dates).
  if not s:find("[%z\1-\31\127-\255]") then return #s end
  if ok_format then return format.width(s) end
  return utf8.len(s) or #s
end

-- Each cell's text and width are computed once; a line is cut after its last cell that is
-- not empty, which is not padded when it is left-aligned (the line never ends in blanks).
local function text_table(out, s, lang)
  local cols, w, cells, widths, ncol = s.columns, {}, {}, {}, #s.columns
  local num, text, tw, size = {}, {}, {}, {}   -- per column: a repeated value's text and width, once
  for i, c in ipairs(cols) do w[i] = width(c.label); num[i] = numeric(c.type); text[i], tw[i], size[i] = {}, {}, 0 end
  for r, row in ipairs(s.rows) do
    local cr, wr = {}, {}
    for i = 1, ncol do
      local c = cols[i]
      local v = row[c.key]
      local t, n
      if v == nil then
        t, n = "", 0
      else
        t = text[i][v]
        if t then
          n = tw[i][v]
        else
          t = M.cell(c, v, lang, "display")
          n = width(t)
          if size[i] < 4096 then text[i][v], tw[i][v], size[i] = t, n, size[i] + 1 end
        end
      end
      cr[i], wr[i] = t, n
      if n > w[i] then w[i] = n end
    end
    cells[r], widths[r] = cr, wr
  end
  local rep, concat = string.rep, table.concat
  local function line(list, lw)
    local last = ncol
    while last > 0 and list[last] == "" do last = last - 1 end
    local parts = {}
    for i = 1, last do
      local t = list[i]
      if num[i] then
        parts[i] = rep(" ", w[i] - lw[i]) .. t
      elseif i < last then
        parts[i] = t .. rep(" ", w[i] - lw[i])
      else
        parts[i] = t
      end
    end
    local text = concat(parts, "  ")
    if last > 0 and list[last]:find("%s$") then text = text:gsub("%s+$", "") end
    out[#out + 1] = text
  end
  local labels, lw = {}, {}
  for i, c in ipairs(cols) do labels[i], lw[i] = c.label, width(c.label) end
  line(labels, lw)
  local rule = {}
  for i = 1, ncol do rule[i] = rep("-", w[i]) end
  out[#out + 1] = concat(rule, "  ")
  for r = 1, #cells do line(cells[r], widths[r]) end
end

function M.table(doc, lang)
  local out = { doc.title }
  for _, m in ipairs(doc.meta or {}) do out[#out + 1] = m[1] .. ": " .. m[2] end
  for _, n in ipairs(doc.notes or {}) do out[#out + 1] = n end
  for _, s in ipairs(doc.sections) do
    out[#out + 1] = ""
    out[#out + 1] = "== " .. s.title
    if #s.rows == 0 then
      out[#out + 1] = s.empty or (lang == "en" and "(none)" or "（无）")
    else
      text_table(out, s, lang)
    end
    if s.note then out[#out + 1] = s.note end
  end
  return table.concat(out, "\n") .. "\n"
end

-- ---- csv --------------------------------------------------------------------------

local function csv_field(s)
  if s:find('[",\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- Each section: its title on a line of its own, the header, the rows, a blank line.
function M.csv(doc, lang)
  local out = {}
  for _, s in ipairs(doc.sections) do
    out[#out + 1] = csv_field(s.title)
    local h = {}
    for i, c in ipairs(s.columns) do h[i] = csv_field(c.label) end
    out[#out + 1] = table.concat(h, ",")
    for _, row in ipairs(s.rows) do
      local f = {}
      for i, c in ipairs(s.columns) do f[i] = csv_field(M.cell(c, row[c.key], lang, "plain")) end
      out[#out + 1] = table.concat(f, ",")
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\r\n")
end

-- ---- json -------------------------------------------------------------------------

-- Money as decimal strings (yuan), 万元 as exact decimal strings, percentages as the
-- printed text ("12.3", "new") with the pair they come from; integers as integers.
local function json_value(c, v, lang)
  if v == nil then return nil end
  if v == MASK then return v end   -- a cell the reader may not see, whatever its type
  local t = c.type
  if t == "money" or t == "wan" then return M.yuan(v) end   -- exact yuan; the 万元 display is the html/table/csv's
  if t == "pct" or t == "share" then
    local x = t == "pct" and M.pct(v, "en") or M.share(v)
    if x == "" then return nil end
    return x
  end
  if t == "code" then return M.cell(c, v, lang, "plain") end
  return v
end

-- A value as kam.json.encode writes it (jansson: UTF-8 kept; '"', '\' and control
-- characters escaped); a real number, or text that is not UTF-8, goes through kam.json.
local JSON_ESC = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
                   ['\t'] = "\\t" }
local function json_scalar(v)
  if v == nil then return "null" end
  if math.type(v) == "integer" then return tostring(v) end
  if type(v) == "string" and (not v:find("[\128-\255]") or utf8.len(v)) then
    if not v:find('[%z\1-\31"\\]') then return '"' .. v .. '"' end
    return '"' .. v:gsub('[%z\1-\31"\\]', function(ch) return JSON_ESC[ch] or string.format("\\u%04X", ch:byte()) end)
      .. '"'
  end
  return kam.json.encode(v)
end

-- A section's rows as kam.json.encode({indent = 2}) lays them out at that depth, each
-- row's keys in the order of the columns: written here, one string.format a row, rather
-- than built as one tree for jansson (a report may list tens of thousands of rows).  A
-- column's repeated values (grades, kinds, dates) are encoded once.
local function json_rows(s, lang)
  local cols, ncol, keys, cache, sizes = s.columns, #s.columns, {}, {}, {}
  for j, c in ipairs(cols) do
    keys[j] = "          " .. json_scalar(c.key):gsub("%%", "%%%%") .. ": %s"
    cache[j], sizes[j] = {}, 0
  end
  local fmt = "        {\n" .. table.concat(keys, ",\n") .. "\n        }"
  local out, vals, format, unpack = {}, {}, string.format, table.unpack
  for r, row in ipairs(s.rows) do
    for j = 1, ncol do
      local c = cols[j]
      local v = row[c.key]
      local x
      if v == nil then
        x = "null"
      else
        local cj = cache[j]
        x = cj[v]
        if not x then
          x = json_scalar(json_value(c, v, lang))
          if sizes[j] < 4096 then cj[v], sizes[j] = x, sizes[j] + 1 end
        end
      end
      vals[j] = x
    end
    out[r] = format(fmt, unpack(vals, 1, ncol))
  end
  return "[\n" .. table.concat(out, ",\n") .. "\n      ]"
end

function M.json(doc, lang)
  local json = kam.json
  local sections, rows_text = {}, {}
  for i, s in ipairs(doc.sections) do
    local cols = {}
    for j, c in ipairs(s.columns) do cols[j] = { key = c.key, label = c.label, type = c.type } end
    local rows = json.array({})
    if #s.rows > 0 then
      -- a placeholder jansson writes as "\u0001rows N", replaced by the rows' text below
      rows = "\1rows " .. i
      rows_text[json_scalar(rows)] = json_rows(s, lang)
    end
    sections[i] = { key = s.key, title = s.title, columns = json.array(cols), rows = rows, note = s.note or json.null }
  end
  local meta = {}
  for _, m in ipairs(doc.meta or {}) do meta[#meta + 1] = { label = m[1], value = m[2] } end
  local text = json.encode({ report = doc.report, title = doc.title, period = doc.period or json.null,
    lang = lang, meta = json.array(meta), notes = json.array(doc.notes or {}), sections = json.array(sections),
    data = doc.data or json.null }, { indent = 2 })
  text = text:gsub('"\\u0001rows %d+"', rows_text)
  return text .. "\n"
end

-- ---- html -------------------------------------------------------------------------

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
    ["'"] = "&#39;" }))
end

local COLORS = { "#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085" }

-- Values of a column as numbers for drawing only (what is printed stays exact).
local function plot_value(c, v)
  if v == nil or v == MASK then return 0 end
  if type(v) == "table" then
    if c.type == "share" then return v[2] > 0 and v[1] / v[2] * 100 or 0 end
    return v[2] ~= 0 and (v[1] - v[2]) / math.abs(v[2]) * 100 or 0
  end
  if c.type == "money" or c.type == "wan" then return v / 100 end
  return tonumber(v) or 0
end

local function nice(v)
  if v >= 1e8 then return string.format("%.1f亿", v / 1e8) end
  if v >= 1e4 then return string.format("%.0f万", v / 1e4) end
  return string.format("%.0f", v)
end

local function col_of(s, key)
  for _, c in ipairs(s.columns) do if c.key == key then return c end end
end

local function svg_line(s, ch, lang)
  local W, H, L, R, T, B = 760, 260, 70, 20, 20, 50
  local xs, series = s.rows, {}
  local max, min = 0, 0
  for k, y in ipairs(ch.y) do
    local c = col_of(s, y)
    series[k] = { c = c, v = {} }
    for i, row in ipairs(xs) do
      local v = plot_value(c, row[y])
      series[k].v[i] = v
      if v > max then max = v end
      if v < min then min = v end
    end
  end
  if max == min then max = min + 1 end
  local n = #xs
  local function px(i) return L + (n > 1 and (i - 1) * (W - L - R) / (n - 1) or (W - L - R) / 2) end
  local function py(v) return T + (max - v) * (H - T - B) / (max - min) end
  local o = { string.format('<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">', W, H,
    esc(ch.title or s.title)) }
  for g = 0, 4 do
    local v = min + (max - min) * g / 4
    o[#o + 1] = string.format('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
      .. '<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#555">%s</text>',
      L, W - R, py(v), py(v), L - 6, py(v) + 4, esc(nice(v)))
  end
  local xc = col_of(s, ch.x)
  local step = math.max(1, math.ceil(n / 12))
  for i, row in ipairs(xs) do
    if (i - 1) % step == 0 or i == n then
      o[#o + 1] = string.format('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#555">%s</text>',
        px(i), H - B + 18, esc(M.cell(xc, row[ch.x], lang, "display")))
    end
  end
  for k, sr in ipairs(series) do
    local pts = {}
    for i, v in ipairs(sr.v) do pts[i] = string.format("%.1f,%.1f", px(i), py(v)) end
    o[#o + 1] = string.format('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>',
      COLORS[k], table.concat(pts, " "))
    o[#o + 1] = string.format('<rect x="%d" y="%d" width="12" height="4" fill="%s"/>'
      .. '<text x="%d" y="%d" font-size="12">%s</text>', L + (k - 1) * 180, H - 14, COLORS[k],
      L + (k - 1) * 180 + 16, H - 9, esc(sr.c.label))
  end
  o[#o + 1] = "</svg>"
  return table.concat(o)
end

-- Horizontal bars; diverging: from a middle line, gains right, falls left.
local function svg_bars(s, ch, lang, diverging)
  local rows = s.rows
  local yk = ch.y[1]
  local c, xc = col_of(s, yk), col_of(s, ch.x)
  local n = math.min(#rows, ch.limit or 30)
  local W, rowh, LBL = 760, 22, 230
  local H = n * rowh + 20
  local max = 0
  for i = 1, n do
    local v = math.abs(plot_value(c, rows[i][yk]))
    if v > max then max = v end
  end
  if max == 0 then max = 1 end
  local o = { string.format('<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">', W, H,
    esc(ch.title or s.title)) }
  local span = W - LBL - 100
  local mid = diverging and (LBL + span / 2) or LBL
  local scale = diverging and (span / 2) / max or span / max
  if diverging then
    o[#o + 1] = string.format('<line x1="%.1f" x2="%.1f" y1="4" y2="%d" stroke="#888"/>', mid, mid, H - 10)
  end
  for i = 1, n do
    local row = rows[i]
    local v = plot_value(c, row[yk])
    local y = 8 + (i - 1) * rowh
    local w = math.abs(v) * scale
    local x = v < 0 and mid - w or mid
    -- the label column (a name) when the row has one, else x; long ones cut to 16 characters
    local label = (ch.label and row[ch.label]) and tostring(row[ch.label]) or M.cell(xc, row[ch.x], lang, "display")
    if utf8.len(label) and utf8.len(label) > 16 then label = label:sub(1, utf8.offset(label, 16) - 1) .. "…" end
    o[#o + 1] = string.format('<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>', LBL - 8, y + 13,
      esc(label))
    o[#o + 1] = string.format('<rect x="%.1f" y="%d" width="%.1f" height="15" fill="%s"/>', x, y + 2,
      math.max(w, 0.5), v < 0 and "#c0392b" or (diverging and "#2e8b57" or COLORS[1]))
    o[#o + 1] = string.format('<text x="%.1f" y="%d" font-size="11" fill="#333">%s</text>',
      v < 0 and (diverging and mid + 4 or x + w + 4) or x + w + 4, y + 13,
      esc(M.cell(c, row[yk], lang, "display")))
  end
  o[#o + 1] = "</svg>"
  return table.concat(o)
end

local CSS = [[
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;font-size:13px}
h1{font-size:20px;margin:0 0 6px}h2{font-size:15px;margin:22px 0 6px;border-bottom:2px solid #1f5fa8;padding-bottom:3px}
.meta{color:#555;margin:0 0 4px}.note{color:#555;font-size:12px;margin:4px 0}
table{border-collapse:collapse;margin:6px 0;font-size:12px}th,td{border:1px solid #ccc;padding:3px 7px}
th{background:#eef3fa;text-align:center}td.n{text-align:right;font-variant-numeric:tabular-nums}td.neg{color:#c0392b}
svg.chart{width:100%;max-width:760px;height:auto;display:block;margin:6px 0}
section{break-inside:avoid-page}
@page{size:A4;margin:14mm}
@media print{section.page{break-before:page}body{margin:0;font-size:10.5px}h2{break-after:avoid}table{font-size:10px}thead{display:table-header-group}tr{break-inside:avoid}section{break-inside:auto}svg.chart{max-width:100%}}
]]

function M.html(doc, lang)
  local o = { "<!DOCTYPE html>", string.format('<html lang="%s"><head><meta charset="utf-8">', lang == "en" and "en" or "zh-CN"),
    "<title>" .. esc(doc.title) .. "</title>", "<style>" .. CSS .. "</style></head><body>",
    "<h1>" .. esc(doc.title) .. "</h1>" }
  for _, m in ipairs(doc.meta or {}) do o[#o + 1] = '<p class="meta">' .. esc(m[1]) .. "：" .. esc(m[2]) .. "</p>" end
  for _, n in ipairs(doc.notes or {}) do o[#o + 1] = '<p class="note">' .. esc(n) .. "</p>" end
  for _, s in ipairs(doc.sections) do
    o[#o + 1] = string.format('<section id="%s"%s><h2>%s</h2>', esc(s.key),
      s.page_break and ' class="page"' or "", esc(s.title))
    if s.chart and #s.rows > 0 then
      local ch = s.chart
      o[#o + 1] = ch.type == "line" and svg_line(s, ch, lang) or svg_bars(s, ch, lang, ch.type == "diverging")
    end
    if #s.rows == 0 then
      o[#o + 1] = '<p class="note">' .. esc(s.empty or (lang == "en" and "(none)" or "（无）")) .. "</p>"
    else
      o[#o + 1] = "<table><thead><tr>"
      for _, c in ipairs(s.columns) do o[#o + 1] = "<th>" .. esc(c.label) .. "</th>" end
      o[#o + 1] = "</tr></thead><tbody>"
      for _, row in ipairs(s.rows) do
        o[#o + 1] = "<tr>"
        for _, c in ipairs(s.columns) do
          local t = M.cell(c, row[c.key], lang, "display")
          local cls = numeric(c.type) and (t:sub(1, 1) == "-" and ' class="n neg"' or ' class="n"') or ""
          o[#o + 1] = "<td" .. cls .. ">" .. esc(t) .. "</td>"
        end
        o[#o + 1] = "</tr>"
      end
      o[#o + 1] = "</tbody></table>"
    end
    if s.note then o[#o + 1] = '<p class="note">' .. esc(s.note) .. "</p>" end
    o[#o + 1] = "</section>"
  end
  o[#o + 1] = "</body></html>"
  return table.concat(o, "\n") .. "\n"
end

-- ---- xlsx (through the xlsx plugin's kam.xlsx) -------------------------------------

-- One sheet per section, named after its title (31 characters, no []:*?/\, unique); money,
-- 万元 and percentages as numbers shown with two decimals ("新增" stays text), codes text.
local XLSX_TYPE = { money = "money", wan = "money", pct = "money", share = "money", int = "integer" }
function M.xlsx(doc, lang, path)
  local ok, xlsx = pcall(require, "kam.xlsx")
  if not ok then error("report: --format xlsx needs the xlsx plugin, which is not loaded", 0) end
  local sheets, used = {}, {}
  for _, s in ipairs(doc.sections) do
    local name = s.title:gsub("[%[%]:%*%?/\\]", " ")
    if utf8.len(name) > 31 then name = name:sub(1, utf8.offset(name, 32) - 1) end
    local base, k = name, 2
    while used[name] do
      local suffix = " (" .. k .. ")"
      name = base
      if utf8.len(name) + #suffix > 31 then name = name:sub(1, utf8.offset(name, 32 - #suffix) - 1) end
      name = name .. suffix
      k = k + 1
    end
    used[name] = true
    local cols, rows = {}, {}
    for i, c in ipairs(s.columns) do cols[i] = { label = c.label, type = XLSX_TYPE[c.type] or "text" } end
    for r, row in ipairs(s.rows) do
      local cells = {}
      for i, c in ipairs(s.columns) do
        local v = row[c.key]
        cells[i] = v ~= nil and M.cell(c, v, lang, "plain") or false
        if cells[i] == "" then cells[i] = false end
      end
      rows[r] = cells
    end
    sheets[#sheets + 1] = { name = name, columns = cols, rows = rows }
  end
  xlsx.write(path, sheets)
end

return M
