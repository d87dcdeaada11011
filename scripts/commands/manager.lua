-- kam manager add | list | show | assign | unassign | staffing: customer managers and their
-- assignments (DOMAIN §4).  The policy's numbers.managers decide: a dedicated manager for
-- a grade (Hubei classes 1-2), or a ratio (3-5 class-3 customers, 5-8 class-4 customers
-- per manager).  An assignment that would take a manager past the policy's maximum load
-- is refused unless --force (recorded as forced).  Assignments are ended, never deleted.
local cli = require "common.cli"
local ob = require "common.obligations"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam manager add NAME [--bureau B] [--phone P] | list | show NAME [--as-of DATE]
       kam manager assign CODE NAME [--role A|B] [--since DATE] [--force] [--reason TEXT]
       kam manager unassign CODE [--role A|B] --reason TEXT
       kam manager staffing [--as-of DATE] [--limit N]
A customer has one manager per role: A leads development, B maintenance (the A/B pair of
Shantou and the 2012 rules; Hubei uses A alone).  A manager's load: a customer of a grade
the policy gives a dedicated manager takes the whole of a manager, one of a grade with
at most N per manager takes 1/N (Hubei: class 3 one fifth, class 4 one eighth); grades
come from the latest year graded at or before the day (--as-of, default today).  An
assignment past a whole manager is refused unless --force.  staffing: per grade the
managers the policy's ratios require against those serving it, with the arithmetic;
customers without a manager (the first --limit, default 20); managers over their load; where
the policy sets an A/B pair (ab_pair_from), the customers of that grade or better lacking A or B.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { bureau = "value", phone = "value", role = "value", since = "value",
  force = "flag", reason = "value", ["as-of"] = "value", limit = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local now, user = cli.now_utc(), kam.user

local function day_opt(name)
  if not opts[name] then return store.today() end
  return cli.check_date(opts[name])
end

local function manager_named(name)
  local m = store.manager_find(name)
  if not m then error(string.format("no manager '%s' (kam manager add adds one)", name), 0) end
  return m
end

-- The manager's current customers counted per grade of year gy, leaving out skip (a code).
local function counts_of(m, gy, skip)
  local counts, list = {}, store.manager_customers(m.id, gy or 0)
  for _, c in ipairs(list) do
    if c.code ~= skip and c.grade then counts[c.grade] = (counts[c.grade] or 0) + 1 end
  end
  return counts, list
end

local function done(doc, line)
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) else io.stderr:write("kam: ", line, "\n") end
  return 0
end

if sub == "add" then
  if #operands ~= 1 or operands[1] == "" then return cli.usage_error("manager add needs one name", USAGE) end
  local name = operands[1]
  if store.manager_find(name) then error(string.format("manager '%s' exists already", name), 0) end
  local id = store.manager_add(name, opts.bureau, opts.phone, user, now).id
  return done({ id = id, name = name }, string.format("manager #%d %s added", id, name))
elseif sub == "list" then
  local rows = store.managers_list()
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "name", "bureau", "phone", "customers", "active" } })
  return 0
elseif sub == "show" then
  if #operands ~= 1 then return cli.usage_error("manager show needs one name", USAGE) end
  local day, err = day_opt("as-of")
  if not day then return cli.usage_error(err, USAGE) end
  local m = manager_named(operands[1])
  local p, gy = ob.policy(), ob.grade_year(day)
  local counts, list = counts_of(m, gy)
  local used, cap, arithmetic = ob.load(p, counts)
  m.customers = json.array(list)
  m.load = { used = used, capacity = cap, arithmetic = arithmetic, grade_year = gy or json.null }
  if kam.output_json then print(json.encode(m, { indent = 2, sort_keys = true })) return 0 end
  io.write(string.format("manager #%d %s (%s): load %s\n", m.id, m.name, m.bureau or "-", arithmetic))
  cli.table(list, { columns = { "code", "name", "role", "grade", "since" } })
  return 0
elseif sub == "assign" then
  if #operands ~= 2 then return cli.usage_error("manager assign needs a customer code and a manager's name", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local role = opts.role or "A"
  if role ~= "A" and role ~= "B" then return cli.usage_error("--role '" .. role .. "' must be A or B", USAGE) end
  local since
  since, err = day_opt("since")
  if not since then return cli.usage_error(err, USAGE) end
  local c = store.customer_get(code)
  if not c then error("no customer " .. code, 0) end
  if c.status ~= "active" then error(string.format("customer %s is %s: only active customers get a manager", code, c.status), 0) end
  local m = manager_named(operands[2])
  if m.active ~= 1 then error(string.format("manager '%s' is no longer active", m.name), 0) end
  local cur = store.assignment_current(code, role)
  if cur and cur.manager == m.id then
    error(string.format("customer %s already has %s as its %s manager since %s", code, m.name, role, cur.since), 0)
  end
  local other = store.assignment_current(code, role == "A" and "B" or "A")
  if other and other.manager == m.id then
    error(string.format("%s is customer %s's %s manager already: A and B are two managers", m.name, code, other.role), 0)
  end
  local p, gy = ob.policy(), ob.grade_year(since)
  local g = gy and store.grade_of(gy, code)
  local grade = g and g.grade ~= "none" and g.grade or nil
  local counts = counts_of(m, gy, code)
  local used, cap, arithmetic = ob.load(p, counts)
  local add = ob.units(p, grade)
  local over = used + add > cap
  if over and not opts.force then
    local r = ob.ratio(p, grade)
    error(string.format("manager %s is at the policy's maximum load: %s; a customer of grade %s takes %d more"
      .. " (policy %s: %s); --force assigns anyway, recorded as forced", m.name, arithmetic, grade, add, p.name,
      ob.ratio_text(r)), 0)
  end
  if cur then store.assignment_end(cur.id, since, user, "relieved: customer assigned to " .. m.name) end
  local id = store.assignment_add(code, m.id, role, since, user, now, over and 1 or 0, opts.reason).id
  local after = used + add
  return done({ id = id, code = code, manager = m.name, role = role, since = since, grade = grade or json.null,
    forced = over, relieved = cur and cur.manager_name or json.null,
    load = { used = after, capacity = cap } },
    string.format("customer %s: %s manager %s since %s%s; load %d of %d units%s", code, role, m.name, since,
      cur and (" (relieves " .. cur.manager_name .. ")") or "", after, cap, over and " (forced past the maximum)" or ""))
elseif sub == "unassign" then
  if #operands ~= 1 then return cli.usage_error("manager unassign needs a customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local role = opts.role or "A"
  if not opts.reason or opts.reason == "" then return cli.usage_error("manager unassign: --reason is required", USAGE) end
  local cur = store.assignment_current(code, role)
  if not cur then error(string.format("customer %s has no %s manager", code, role), 0) end
  local on = store.today()
  store.assignment_end(cur.id, on, user, opts.reason)
  return done({ id = cur.id, code = code, manager = cur.manager_name, ended_on = on },
    string.format("customer %s: %s manager %s ended on %s (kept on record)", code, role, cur.manager_name, on))
elseif sub == "staffing" then
  local day, err = day_opt("as-of")
  if not day then return cli.usage_error(err, USAGE) end
  local limit = math.tointeger(tonumber(opts.limit or "20"))
  if not limit or limit < 0 then return cli.usage_error("--limit must be a whole number", USAGE) end
  local p = ob.policy()
  local st, why = ob.staffing_on(p, day, limit)
  if not st then error(why, 0) end
  local gy, grades, over, unassigned, pairs_ = st.grade_year, st.grades, st.over, st.unassigned, st.pairs
  local total_unassigned, required, managers = st.unassigned_total, st.required, st.managers
  local doc = { policy = p.name, as_of = day, grade_year = gy, grades = json.array(grades), required = required,
    managers_serving = managers, unassigned_total = total_unassigned, unassigned = json.array(unassigned),
    over_load = json.array(over) }
  if pairs_ then
    doc.ab_pair = { from = pairs_.from, missing_total = #pairs_.missing,
      missing = json.array(table.move(pairs_.missing, 1, math.min(limit, #pairs_.missing), 1, {})) }
  end
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) return 0 end
  io.write(string.format("staffing on %s (grades of %d, policy %s)\n", day, gy, p.name))
  for _, r in ipairs(grades) do
    io.write(string.format("  grade %s: %s; serving: %d manager(s)%s; without a manager: %d\n", r.grade,
      r.arithmetic, r.managers, r.short and r.short > 0 and (", " .. r.short .. " short") or "", r.unassigned))
  end
  io.write(string.format("  required in all: %d; managers serving key accounts: %d\n", required, managers))
  for _, o in ipairs(over) do io.write(string.format("  over load: %s, %s\n", o.manager, o.arithmetic)) end
  if pairs_ then
    io.write(string.format("A/B pair (grade %s and better): %d customer(s) lack one of the pair\n", pairs_.from,
      #pairs_.missing))
  end
  io.write(string.format("customers without a manager: %d%s\n", total_unassigned,
    total_unassigned > #unassigned and string.format(" (the first %d)", #unassigned) or ""))
  if #unassigned > 0 then cli.table(unassigned, { columns = { "code", "name", "grade", "city", "county" } }) end
  return 0
end
return cli.usage_error(sub and ("unknown manager subcommand '" .. sub .. "'") or "manager needs a subcommand", USAGE)
