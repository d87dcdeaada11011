-- kam visit add | list | symposium | due: visits to customers and customer symposiums
-- (DOMAIN §4), and what each grade requires in a month: the policy's numbers.visits
-- (kind regular), center_visits (center) and leadership_visits (leadership), each per
-- month or per year; symposiums_per_year; archive_refresh_months.  The computations are
-- common/obligations.lua's, shared with the report scripts.
local cli = require "common.cli"
local ob = require "common.obligations"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam visit add CODE --on DATE (--by WHO | --manager NAME)
                [--kind regular|center|leadership] [--note TEXT] | list CODE [--from DATE]
                [--to DATE]
       kam visit symposium --on DATE --title TEXT [--bureau B] [--attendees N]
       kam visit due [--month YYYY-MM] [--as-of DATE] [--kind K] [--all]
due: per key account (grades of the latest year graded at or before the month), the
visits of each kind its grade requires: per month (due on the month's last day) or per
year (due on 31 December, counted from January to the month's end); those made; met, due
(still in time on --as-of, default today) or overdue; head-office accounts (a key
account with branches stored under its code) the province's visits a year, where the
policy sets head_office_visits (--kind head_office).  Also the symposiums held in the
month's year against the policy's number, and the archives older than the policy's
refresh interval (due the same day N months after the last refresh, overdue the day
after).  Text lists what is not met (--all: every customer); --json everything.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { on = "value", by = "value", manager = "value", kind = "value", note = "value",
  from = "value", to = "value", title = "value", bureau = "value", attendees = "value", month = "value",
  ["as-of"] = "value", all = "flag", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end
local now, user = cli.now_utc(), kam.user

local function date_opt(name, required)
  local s = opts[name]
  if not s then
    if required then return nil, string.format("visit %s: --%s is required", sub, name) end
    return nil
  end
  return cli.check_date(s)
end

local function done(doc, line)
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) else io.stderr:write("kam: ", line, "\n") end
  return 0
end

if sub == "add" then
  if #operands ~= 1 then return cli.usage_error("visit add needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local on
  on, err = date_opt("on", true)
  if not on then return cli.usage_error(err, USAGE) end
  local kind = opts.kind or "regular"
  if not ob.visit_keys[kind] then
    return cli.usage_error("--kind '" .. kind .. "' must be regular, center or leadership", USAGE)
  end
  if (not opts.by or opts.by == "") and not opts.manager then
    return cli.usage_error("visit add: --by or --manager is required", USAGE)
  end
  local c = store.customer_get(code)
  if not c then error("no customer " .. code, 0) end
  local m
  if opts.manager then
    m = store.manager_find(opts.manager)
    if not m then error(string.format("no manager '%s'", opts.manager), 0) end
  end
  local id = store.visit_add(code, on, kind, opts.by or m.name, m and m.id, opts.note, user, now).id
  return done({ id = id, code = code, on = on, kind = kind }, string.format("visit #%d to %s on %s (%s) recorded", id,
    code, on, kind))
elseif sub == "list" then
  if #operands ~= 1 then return cli.usage_error("visit list needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local from, to
  if opts.from then from, err = date_opt("from") if not from then return cli.usage_error(err, USAGE) end end
  if opts.to then to, err = date_opt("to") if not to then return cli.usage_error(err, USAGE) end end
  local rows = store.visits_of(code, from, to)
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "visited_on", "kind", "by_whom", "note", "recorded_by" } })
  return 0
elseif sub == "symposium" then
  local on, err = date_opt("on", true)
  if not on then return cli.usage_error(err, USAGE) end
  if not opts.title or opts.title == "" then return cli.usage_error("visit symposium: --title is required", USAGE) end
  local n
  if opts.attendees then
    n = opts.attendees:match("^%d+$") and math.tointeger(tonumber(opts.attendees))
    if not n then return cli.usage_error("--attendees must be a whole number", USAGE) end
  end
  local id = store.symposium_add(on, opts.bureau, opts.title, n, user, now).id
  return done({ id = id, on = on }, string.format("symposium #%d on %s recorded", id, on))
elseif sub == "due" then
  local as_of, err = date_opt("as-of")
  if opts["as-of"] and not as_of then return cli.usage_error(err, USAGE) end
  as_of = as_of or store.today()
  local y, m
  if opts.month then
    y, m = opts.month:match("^(%d%d%d%d)%-(%d%d)$")
    y, m = tonumber(y), tonumber(m)
    if not y or m < 1 or m > 12 then return cli.usage_error("--month '" .. opts.month .. "' must be YYYY-MM", USAGE) end
  else
    y, m = ob.ymd(as_of)
  end
  local kinds = { "regular", "center", "leadership", "head_office" }   -- head offices: the province's visits
  if opts.kind == "head_office" then
    kinds = { "head_office" }
  elseif opts.kind then
    if not ob.visit_keys[opts.kind] then
      return cli.usage_error("--kind '" .. opts.kind .. "' must be regular, center, leadership or head_office", USAGE)
    end
    kinds = { opts.kind }
  end
  local p = ob.policy()
  local rows, c, gy = ob.visits_status(p, kinds, y, m, as_of, true)
  local archives = ob.archives_due(p, as_of)
  local counts = { met = c.met, due = c.due, overdue = c.overdue, not_computed = c["not computed"] }
  local stale = {}
  for _, a in ipairs(archives) do if a.status ~= "current" then stale[#stale + 1] = a end end
  local doc = { policy = p.name, month = string.format("%04d-%02d", y, m), as_of = as_of, grade_year = gy or json.null,
    visits = json.array(rows), counts = counts, symposiums = ob.symposiums(p, y, as_of),
    archives = json.array(stale) }
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) return 0 end
  io.write(string.format("visits %s as of %s (grades of %s, policy %s): %d met, %d due, %d overdue%s\n", doc.month,
    as_of, gy or "none", p.name, counts.met, counts.due, counts.overdue, counts.not_computed > 0
    and string.format(", %d not computed (a rule for one breadth: the grade carries no breadth label)",
      counts.not_computed) or ""))
  local shown = {}
  for _, r in ipairs(rows) do
    if opts.all or (r.status ~= "met" and r.status ~= "not computed") then shown[#shown + 1] = r end
  end
  if #shown > 0 then
    cli.table(shown, { columns = { "code", "name", "grade", "kind", "per", "required", "made", "due", "status",
      "last_visit" } })
  end
  local s = doc.symposiums
  io.write(string.format("symposiums %d: %d held, %s required: %s\n", y, s.held,
    s.required and tostring(s.required) or "none", s.status))
  io.write(string.format("archives not refreshed in time: %d\n", #stale))
  if #stale > 0 then cli.table(stale, { columns = { "code", "name", "grade", "months", "refreshed_on", "due", "status" } }) end
  return 0
end
return cli.usage_error(sub and ("unknown visit subcommand '" .. sub .. "'") or "visit needs a subcommand", USAGE)
