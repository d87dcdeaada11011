-- kam customer show | list | add | set | person | competitor | deactivate | merge: the
-- customer archive (DOMAIN §7; seed 000 annexes 1-2).  Every change is recorded with who,
-- when and the old value (archive_changes: never changed or deleted); a customer is
-- deactivated, never deleted; a code never changes (DOMAIN §2).  The command runs in one
-- transaction: a refusal raises an error and nothing is written.
local cli = require "common.cli"
local ob = require "common.obligations"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam customer show CODE [--history] | list [--status active|lost|merged|all]
                [--city C] [--county C]
       kam customer add [CODE] --name N --place P --city C [FIELD options] | set CODE
                [FIELD options] [--refreshed-on DATE]
       kam customer person|competitor add CODE --name N [options] | person|competitor set
                ID [options] | person|competitor remove ID --reason TEXT
       kam customer deactivate CODE --reason TEXT | merge CODE --into CODE --reason TEXT
FIELD options, the basic block: --name --place --city --county --admin-code --industry
  --nature --reach (province|regional) --agreement (yes|no) --account (on_account|cash)
  --important, --potential (province|city|county) --network-wide --one-time (yes|no)
  --address --postcode --head --contact --phone --fax --email --products
  --annual-spend (yuan) --annual-volume (pieces) --filed (yes|no: the archive is filed);
  the extended block (confidential): --profit --capital --registered-capital (yuan)
  --operations --credit --development (text) --staff (a count).
An empty value clears an optional field.  Every change is recorded with who, when and the
old value, and counts as a refresh of the archive (today, or --refreshed-on DATE; set
with --refreshed-on alone records a review that changed nothing).  add without CODE
gives the next code of --admin-code (kam code next).  A customer's code never changes.
merge moves the first code's ledger, visits, key persons, competitors, current managers
(where the survivor has none in that role) and standing registration to the survivor and
marks it merged, in one transaction; it is refused, changing nothing, while the first
code has a grading override, a discount, a claim, a receivable or a complaint still open,
a green-channel enrolment (not left) or a credit file the survivor lacks, or a
registration by another team.
]]

-- The fields: flag name = {table, column, type}.  Types: text, enum (words), bool, money
-- (yuan -> fen), count (>= 0), pct (0..100), admin (6 digits).
local PLACE, LEVEL = { "capital", "city", "county" }, { "province", "city", "county" }
local BASIC = {   -- the customers table, in its column order
  { "name", "text", required = true }, { "place", "enum", PLACE, required = true }, { "city", "text" },
  { "county", "text" }, { "admin_code", "admin" }, { "industry", "text" }, { "nature", "text" },
  { "reach", "enum", { "province", "regional" } }, { "agreement", "bool", required = true },
  { "account", "enum", { "on_account", "cash" } }, { "important", "enum", LEVEL }, { "potential", "enum", LEVEL },
  { "network_wide", "bool", required = true }, { "one_time", "bool", required = true },
}
local ARCHIVE = {  -- the archive table (the basic block's further fields)
  { "address", "text" }, { "postcode", "text" }, { "head", "text" }, { "contact", "text" }, { "phone", "text" },
  { "fax", "text" }, { "email", "text" }, { "products", "text" }, { "annual_spend", "money" },
  { "annual_volume", "count" }, { "filed", "bool", required = true },
}
local EXTENDED = {
  { "profit", "money" }, { "operations", "text" }, { "capital", "money" }, { "credit", "text" },
  { "development", "text" }, { "staff", "count" }, { "registered_capital", "money" },
}
local PERSON = {
  { "name", "text", required = true }, { "title", "text" }, { "phone", "text" }, { "interests", "text" },
  { "taboos", "text" }, { "important_days", "text" }, { "note", "text" },
}
local COMPETITOR = {
  { "competitor", "text", required = true, flag = "name" }, { "price", "text" }, { "volume", "count" },
  { "share_pct", "pct" }, { "strengths", "text" },
}

local function flag(f) return f.flag or f[1]:gsub("_", "-") end

local function spec_of(lists, extra)
  local spec = extra or {}
  for _, list in ipairs(lists) do
    for _, f in ipairs(list) do spec[flag(f)] = "value" end
  end
  spec.help = "flag"
  return spec
end

local args = { ... }
local sub = cli.subcommand(args)
local item_sub
if sub == "person" or sub == "competitor" then item_sub = cli.subcommand(args) end
local spec
if sub == "person" then
  spec = spec_of({ PERSON }, { reason = "value" })
elseif sub == "competitor" then
  spec = spec_of({ COMPETITOR }, { reason = "value" })
else
  spec = spec_of({ BASIC, ARCHIVE, EXTENDED }, { history = "flag", status = "value", ["refreshed-on"] = "value",
    code = "value", reason = "value", into = "value" })
end
local opts, operands = cli.parse(args, spec, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" or item_sub == "--help" then io.write(USAGE) return 0 end

local now, user = cli.now_utc(), kam.user
local today = store.today()

-- A value typed for field f: the stored value (nil clears), or nil and why.
local function parse(f, s, where)
  local what = string.format("%s: field '%s'", where, f[1])
  if s == "" then
    if f.required then return nil, what .. " cannot be empty" end
    return json.null
  end
  if not utf8.len(s) then return nil, what .. " is not valid UTF-8 text" end
  local t = f[2]
  if t == "text" then return s end
  if t == "enum" then
    for _, w in ipairs(f[3]) do if w == s then return s end end
    return nil, string.format("%s: '%s' is not one of %s", what, s, table.concat(f[3], ", "))
  end
  if t == "bool" then
    if s == "yes" or s == "是" or s == "1" or s == "true" then return 1 end
    if s == "no" or s == "否" or s == "0" or s == "false" then return 0 end
    return nil, string.format("%s: '%s' is not yes or no", what, s)
  end
  if t == "money" then
    local sign, whole, frac = s:match("^(%-?)(%d+)%.?(%d*)$")
    if not whole or #frac > 2 or #whole > 13 or (s:find("%.") and #frac == 0) then
      return nil, string.format("%s: '%s' is not an amount in yuan with at most 2 decimals", what, s)
    end
    local fen = math.tointeger(tonumber(whole)) * 100 + math.tointeger(tonumber((frac .. "00"):sub(1, 2)))
    if sign == "-" then
      if f[1] ~= "profit" then return nil, string.format("%s: '%s' cannot be negative", what, s) end
      fen = -fen
    end
    return fen
  end
  if t == "count" or t == "pct" then
    local n = s:match("^%d+$") and #s <= 15 and math.tointeger(tonumber(s))
    if not n or (t == "pct" and n > 100) then
      return nil, string.format("%s: '%s' is not %s", what, s, t == "pct" and "a percentage from 0 to 100"
        or "a whole number of 0 or more")
    end
    return n
  end
  if t == "admin" then
    if not s:match("^%d%d%d%d%d%d$") then return nil, string.format("%s: '%s' is not 6 digits", what, s) end
    local divisions = ob.divisions()
    if divisions and not divisions[s] then
      return nil, string.format("%s: administrative division '%s' is not in the table shipped for %s", what, s,
        ob.policy().name)
    end
    return s
  end
  error("unknown field type " .. t)
end

-- The values of list's fields from the options: {column = value} (json.null clears), or
-- nil and the first bad value.
local function values(list, where)
  local v, any = {}, false
  for _, f in ipairs(list) do
    local s = opts[flag(f)]
    if s ~= nil then
      local x, err = parse(f, s, where)
      if x == nil then return nil, err end
      v[f[1]] = x
      any = true
    end
  end
  return v, nil, any
end

local function text_of(x)
  if x == nil or x == json.null then return nil end
  return tostring(x)
end

-- Merge changes into row (columns of list): the new row, and the changes as
-- {field, old, new} for the fields whose value differs.
local function apply(list, row, changes)
  local new, diff = {}, {}
  for _, f in ipairs(list) do
    local old = row and row[f[1]]
    local x = changes[f[1]]
    if x == nil then
      new[f[1]] = old
    else
      if x == json.null then x = nil end
      new[f[1]] = x
      if text_of(old) ~= text_of(x) then diff[#diff + 1] = { f[1], text_of(old), text_of(x) } end
    end
  end
  return new, diff
end

-- The arguments of a put statement: the row's columns in list order.
local function columns(list, row)
  local a = {}
  for i, f in ipairs(list) do
    local x = row[f[1]]
    if x == nil and f[2] == "bool" and f.required then x = 0 end
    a[i] = x
  end
  return table.unpack(a, 1, #list)
end

local function record(code, block, item, diff)
  for _, d in ipairs(diff) do
    store.change_add(code, block, item, d[1], d[2], d[3], user, now)
  end
end

local function need_code(s)
  local code, err = cli.check_code(s)
  if not code then return nil, err end
  return code
end

local function customer(code)
  local c = store.customer_get(code)
  if not c then error("no customer " .. code, 0) end
  return c
end

-- The rule of DOMAIN §3.1: a customer names its city, and one in a county its county.
local function check_place(c, where)
  if not c.city then return string.format("%s: field 'city': every customer names its city", where) end
  if c.place == "county" and not c.county then
    return string.format("%s: field 'county': a customer whose place is county names its county", where)
  end
end

local function refresh(code, c, on)
  store.archive_refreshed(code, on, user)
  if (c and c.refreshed_on) ~= on then
    store.change_add(code, "refresh", nil, "refreshed_on", c and c.refreshed_on, on, user, now)
  end
end

local function refreshed_on()
  if not opts["refreshed-on"] then return today end
  local d, err = cli.check_date(opts["refreshed-on"])
  if not d then return nil, err end
  return d
end

local function done(doc, line)
  if kam.output_json then
    print(json.encode(doc, { indent = 2, sort_keys = true }))
  else
    io.stderr:write("kam: ", line, "\n")
  end
  return 0
end

local function show_text(doc)
  local money = {}
  for _, list in ipairs { ARCHIVE, EXTENDED } do
    for _, f in ipairs(list) do if f[2] == "money" then money[f[1]] = true end end
  end
  local function section(title, t, order)
    io.write(title, "\n")
    for _, k in ipairs(order) do
      local v = t[k]
      if money[k] and math.type(v) == "integer" then v = cli.yuan(v) end
      if v ~= nil and v ~= json.null then io.write(string.format("  %-18s %s\n", k, tostring(v))) end
    end
  end
  local order = {}
  for _, f in ipairs(BASIC) do order[#order + 1] = f[1] end
  table.insert(order, 1, "code")
  for _, f in ipairs(ARCHIVE) do order[#order + 1] = f[1] end
  for _, k in ipairs { "status", "status_since", "status_reason", "merged_into", "refreshed_on", "refreshed_by" } do
    order[#order + 1] = k
  end
  section("basic", doc.customer, order)
  if doc.extended ~= json.null then
    local o = {}
    for _, f in ipairs(EXTENDED) do o[#o + 1] = f[1] end
    section("extended (confidential)", doc.extended, o)
  end
  for _, p in ipairs(doc.key_persons) do
    io.write(string.format("key person #%d%s: %s %s %s\n", p.id, p.active == 1 and "" or " (removed)", p.name,
      p.title or "", p.phone or ""))
  end
  for _, p in ipairs(doc.competitors) do
    io.write(string.format("competitor #%d%s: %s price %s volume %s share %s%% %s\n", p.id,
      p.active == 1 and "" or " (removed)", p.competitor, p.price or "-", p.volume or "-", p.share_pct or "-",
      p.strengths or ""))
  end
  for _, a in ipairs(doc.managers) do
    io.write(string.format("manager %s: %s since %s\n", a.role, a.manager_name, a.since))
  end
  for _, m in ipairs(doc.merges) do
    io.write(string.format("merge #%d: %s into %s on %s by %s (%d months, %d rows, %s yuan): %s\n", m.id, m.from_code,
      m.into_code, m.merged_at, m.merged_by, m.months, m.rows, cli.yuan(m.amount), m.reason))
  end
  if doc.history then
    for _, h in ipairs(doc.history) do
      io.write(string.format("%s %s %s%s %s: %s -> %s\n", h.changed_at, h.changed_by, h.block,
        h.item and ("#" .. h.item) or "", h.field, h.old_value or "(none)", h.new_value or "(none)"))
    end
  end
end

if sub == "show" then
  if #operands ~= 1 then return cli.usage_error("customer show needs one customer code", USAGE) end
  local code, err = need_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local c = customer(code)
  local managers = {}
  for _, role in ipairs { "A", "B" } do
    local a = store.assignment_current(code, role)
    if a then managers[#managers + 1] = a end
  end
  local doc = { customer = c, extended = store.extended_get(code) or json.null,
    key_persons = json.array(store.key_persons_of(code)), competitors = json.array(store.competitors_of(code)),
    managers = json.array(managers), merges = json.array(store.merges_of(code)),
    ledger = json.array(store.ledger_summary(code)) }
  if opts.history then doc.history = json.array(store.changes_of(code)) end
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) return 0 end
  show_text(doc)
  return 0
elseif sub == "list" then
  if #operands > 0 then return cli.usage_error("customer list takes no operand", USAGE) end
  local status = opts.status or "active"
  if status ~= "active" and status ~= "lost" and status ~= "merged" and status ~= "all" then
    return cli.usage_error("--status '" .. status .. "' must be active, lost, merged or all", USAGE)
  end
  local rows = store.customer_list(status ~= "all" and status or nil, opts.city, opts.county)
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "code", "name", "place", "city", "county", "status", "refreshed_on" } })
  return 0
elseif sub == "add" then
  if #operands > 1 then return cli.usage_error("customer add takes at most one customer code", USAGE) end
  if opts.code then return cli.usage_error("customer add: the code is the operand, not --code", USAGE) end
  local where = "customer add"
  local b, err = values(BASIC, where)
  if not b then return cli.usage_error(err, USAGE) end
  local a
  a, err = values(ARCHIVE, where)
  if not a then return cli.usage_error(err, USAGE) end
  local x, _, any_ext = values(EXTENDED, where)
  if not x then return cli.usage_error(_, USAGE) end
  for _, f in ipairs(BASIC) do
    if f.required and f[2] ~= "bool" and (b[f[1]] == nil or b[f[1]] == json.null) then
      return cli.usage_error(string.format("customer add: --%s is required", flag(f)), USAGE)
    end
  end
  local code, arithmetic
  if operands[1] then
    code, err = need_code(operands[1])
    if not code then return cli.usage_error(err, USAGE) end
    local divisions, why = ob.divisions()
    if divisions and not divisions[code:sub(1, 6)] then
      error(string.format("customer code %s: administrative division '%s' is not in the table shipped for %s (%s)",
        code, code:sub(1, 6), ob.policy().name, why), 0)
    end
  else
    if not b.admin_code or b.admin_code == json.null then
      return cli.usage_error("customer add: give a CODE, or --admin-code for the next code of a division", USAGE)
    end
    code, err, arithmetic = ob.next_code(b.admin_code)
    if not code then error(err, 0) end
  end
  if b.admin_code == nil then b.admin_code = code:sub(1, 6) end
  local old = store.customer_get(code)
  if old then error(string.format("customer %s already exists (%s): a code is given once", code, old.name), 0) end
  local c = apply(BASIC, nil, b)
  local why = check_place(c, where)
  if why then return cli.usage_error(why, USAGE) end
  store.customer_insert(code, columns(BASIC, c))
  local ar, adiff = apply(ARCHIVE, nil, a)
  store.archive_put(code, columns(ARCHIVE, ar))
  local cdiff = select(2, apply(BASIC, nil, b))
  store.change_add(code, "basic", nil, "code", nil, code, user, now)
  record(code, "basic", nil, cdiff)
  record(code, "basic", nil, adiff)
  if any_ext then
    local xr, xdiff = apply(EXTENDED, nil, x)
    store.extended_put(code, columns(EXTENDED, xr))
    record(code, "extended", nil, xdiff)
  end
  local on
  on, err = refreshed_on()
  if not on then return cli.usage_error(err, USAGE) end
  refresh(code, nil, on)
  return done({ code = code, name = c.name, arithmetic = arithmetic or json.null },
    string.format("customer %s added: %s%s", code, c.name, arithmetic and (" (" .. arithmetic .. ")") or ""))
elseif sub == "set" then
  if #operands ~= 1 then return cli.usage_error("customer set needs one customer code", USAGE) end
  local code, err = need_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local c = customer(code)
  if opts.code then
    error(string.format("customer %s: a customer's code never changes once assigned (DOMAIN §2; seed 000 art. 19:"
      .. " 一旦确定,一般不予变更); to join two codes of one customer use kam customer merge", code), 0)
  end
  local where = "customer set " .. code
  local b, a, x, any_b, any_a, any_x
  b, err, any_b = values(BASIC, where)
  if not b then return cli.usage_error(err, USAGE) end
  a, err, any_a = values(ARCHIVE, where)
  if not a then return cli.usage_error(err, USAGE) end
  x, err, any_x = values(EXTENDED, where)
  if not x then return cli.usage_error(err, USAGE) end
  local on
  on, err = refreshed_on()
  if not on then return cli.usage_error(err, USAGE) end
  if not (any_b or any_a or any_x or opts["refreshed-on"]) then
    return cli.usage_error("customer set needs a field to change, or --refreshed-on", USAGE)
  end
  local n = 0
  if any_b then
    local nb, diff = apply(BASIC, c, b)
    local why = check_place(nb, where)
    if why then return cli.usage_error(why, USAGE) end
    if #diff > 0 then store.customer_update(code, columns(BASIC, nb)) end
    record(code, "basic", nil, diff)
    n = n + #diff
  end
  if any_a then
    local na, diff = apply(ARCHIVE, c, a)
    if #diff > 0 then store.archive_put(code, columns(ARCHIVE, na)) end
    record(code, "basic", nil, diff)
    n = n + #diff
  end
  if any_x then
    local old = store.extended_get(code)
    local nx, diff = apply(EXTENDED, old, x)
    if #diff > 0 then store.extended_put(code, columns(EXTENDED, nx)) end
    record(code, "extended", nil, diff)
    n = n + #diff
  end
  refresh(code, c, on)
  return done({ code = code, changed = n, refreshed_on = on },
    string.format("customer %s: %d field%s changed; archive refreshed on %s", code, n, n == 1 and "" or "s", on))
elseif sub == "person" or sub == "competitor" then
  local list = sub == "person" and PERSON or COMPETITOR
  local block = sub == "person" and "key_person" or "competitor"
  local get = sub == "person" and store.key_person_get or store.competitor_get
  local put = sub == "person" and store.key_person_put or store.competitor_put
  local where = "customer " .. sub .. " " .. tostring(item_sub)
  if item_sub == "add" then
    if #operands ~= 1 then return cli.usage_error(where .. " needs one customer code", USAGE) end
    local code, err = need_code(operands[1])
    if not code then return cli.usage_error(err, USAGE) end
    customer(code)
    local v
    v, err = values(list, where)
    if not v then return cli.usage_error(err, USAGE) end
    if v[list[1][1]] == nil then return cli.usage_error(where .. ": --name is required", USAGE) end
    local row, diff = apply(list, nil, v)
    local id = (sub == "person" and store.key_person_add or store.competitor_add)(code, columns(list, row)).id
    record(code, block, id, diff)
    refresh(code, store.customer_get(code), today)
    return done({ id = id, code = code }, string.format("%s #%d added to customer %s", sub, id, code))
  elseif item_sub == "set" or item_sub == "remove" then
    if #operands ~= 1 or not math.tointeger(tonumber(operands[1])) then
      return cli.usage_error(where .. " needs one id", USAGE)
    end
    local id = math.tointeger(tonumber(operands[1]))
    local old = get(id)
    if not old then error(string.format("no %s #%d", sub, id), 0) end
    local code = old.code
    local row, diff, active = old, {}, old.active
    if item_sub == "set" then
      local v, err, any = values(list, where)
      if not v then return cli.usage_error(err, USAGE) end
      if not any then return cli.usage_error(where .. " needs a field to change", USAGE) end
      row, diff = apply(list, old, v)
    else
      if not opts.reason or opts.reason == "" then return cli.usage_error(where .. ": --reason is required", USAGE) end
      if old.active == 0 then error(string.format("%s #%d was removed already", sub, id), 0) end
      active = 0
      diff = { { "active", "1", "0 (" .. opts.reason .. ")" } }
    end
    local a = table.pack(columns(list, row))
    a[#list + 1] = active
    put(id, table.unpack(a, 1, #list + 1))
    record(code, block, id, diff)
    refresh(code, store.customer_get(code), today)
    return done({ id = id, code = code, changed = #diff }, string.format("%s #%d of customer %s: %s", sub, id, code,
      item_sub == "remove" and "removed (kept on record)" or (#diff .. " field(s) changed")))
  end
  return cli.usage_error(item_sub and ("unknown " .. sub .. " subcommand '" .. item_sub .. "'")
    or (sub .. " needs add, set or remove"), USAGE)
elseif sub == "deactivate" then
  if #operands ~= 1 then return cli.usage_error("customer deactivate needs one customer code", USAGE) end
  local code, err = need_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  if not opts.reason or opts.reason == "" then return cli.usage_error("customer deactivate: --reason is required", USAGE) end
  local c = customer(code)
  if c.status ~= "active" then
    error(string.format("customer %s is already %s since %s: %s", code, c.status, c.status_since or "?",
      c.status_reason or ""), 0)
  end
  store.archive_status(code, "lost", today, opts.reason, nil)
  store.change_add(code, "status", nil, "status", "active", "lost", user, now)
  store.change_add(code, "status", nil, "status_reason", c.status_reason, opts.reason, user, now)
  return done({ code = code, status = "lost", since = today }, string.format("customer %s is lost since %s (kept)",
    code, today))
elseif sub == "merge" then
  if #operands ~= 1 or not opts.into then return cli.usage_error("customer merge needs CODE --into CODE", USAGE) end
  local from, err = need_code(operands[1])
  if not from then return cli.usage_error(err, USAGE) end
  local into
  into, err = need_code(opts.into)
  if not into then return cli.usage_error(err, USAGE) end
  if not opts.reason or opts.reason == "" then return cli.usage_error("customer merge: --reason is required", USAGE) end
  if from == into then error("customer merge: a customer cannot be merged into itself", 0) end
  local cf, ci = customer(from), customer(into)
  for _, c in ipairs { cf, ci } do
    if c.status ~= "active" then
      error(string.format("customer %s is %s since %s: only active customers merge", c.code, c.status,
        c.status_since or "?"), 0)
    end
  end
  local m = store.customer_merge(from, into, opts.reason, user, now, today)
  local others = {}
  for _, k in ipairs { "visits", "key_persons", "competitors" } do
    if m[k] > 0 then others[#others + 1] = string.format("%d %s", m[k], k:gsub("_", " ")) end
  end
  if m.assignments_moved > 0 then others[#others + 1] = m.assignments_moved .. " manager assignment(s)" end
  if m.registrations_moved > 0 then others[#others + 1] = "its registration" end
  local ended = m.assignments_ended + m.registrations_ended
  return done({ id = m.id, from = from, into = into, months = m.months, rows = m.rows, amount = cli.yuan(m.amount),
    visits = m.visits, key_persons = m.key_persons, competitors = m.competitors,
    assignments_moved = m.assignments_moved, assignments_ended = m.assignments_ended,
    registrations_moved = m.registrations_moved, registrations_ended = m.registrations_ended },
    string.format("customer %s merged into %s: %d ledger rows in %d months (%s yuan)%s moved%s; %s is kept as merged",
      from, into, m.rows, m.months, cli.yuan(m.amount), #others > 0 and (", " .. table.concat(others, ", ")) or "",
      ended > 0 and string.format(" (%d of its assignments or registrations ended, as the history says)", ended)
      or "", from))
end
return cli.usage_error(sub and ("unknown customer subcommand '" .. sub .. "'") or "customer needs a subcommand", USAGE)
