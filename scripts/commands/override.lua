-- kam override add | list | revoke: manual grades with who and why.  An override never
-- changes or disappears: it is revoked, and the revocation is recorded too.
local cli = require "common.cli"
local db, grading, json = kam.db, kam.grading, kam.json

local USAGE = [[
usage: kam override add CODE --kind KIND --grade G --reason TEXT [--until DATE] [--from DATE]
                        [--approved-by NAME] [--year Y]
       kam override list [CODE] [--all]
       kam override revoke ID --reason TEXT
An override outranks the computed grade while it is valid (from its start to its end
date, unless revoked).  The policy (--policy, or the database's) says which kinds it
accepts: e.g. hubei's cultivation (培育期, needs --until), shantou's approved_diamond
(needs --approved-by), hq's review.  list shows the valid ones (--all: every one).
]]

local MAX_REASON = 1000   -- characters of an override's reason

local args = { ... }
local sub = table.remove(args, 1)
local opts, operands = cli.parse(args, { kind = "value", grade = "value", reason = "value", ["until"] = "value",
  from = "value", ["approved-by"] = "value", year = "value", all = "flag", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local function need(name)
  if not opts[name] or opts[name] == "" then
    error(string.format("override %s: --%s is required", sub, name), 0)
  end
  return opts[name]
end

if sub == "add" then
  if #operands ~= 1 then return cli.usage_error("override add needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local from = cli.today()
  if opts.from then
    from, err = cli.check_date(opts.from)
    if not from then return cli.usage_error(err, USAGE) end
  end
  local till = opts["until"]
  if till then
    till, err = cli.check_date(till)
    if not till then return cli.usage_error(err, USAGE) end
    if till < from then
      return cli.usage_error(string.format("--until %s is before %s", till,
        opts.from and ("--from " .. from) or ("today (" .. from .. "), where the override starts without --from")), USAGE)
    end
  end
  local year = cli.last_year()
  if opts.year then
    year, err = cli.check_year(opts.year)
    if not year then return cli.usage_error(err, USAGE) end
  end
  local kind, grade, reason = need("kind"), need("grade"), need("reason")
  -- A reason is stored whole and shown in every decision it changes: bounded here.
  local chars = utf8.len(reason)
  if not chars then error("override add: --reason is not valid UTF-8", 0) end
  if chars > MAX_REASON then
    error(string.format("override add: --reason has %d characters; at most %d", chars, MAX_REASON), 0)
  end
  local icode = math.tointeger(tonumber(code))
  if not db.value("SELECT 1 FROM customers WHERE code = ?", icode) then error("no customer " .. code, 0) end

  local pol <close> = grading.policy(kam.policy)
  local info = pol:info()
  local k = info.overrides[kind]
  if not k then
    local kinds = {}
    for name in pairs(info.overrides) do kinds[#kinds + 1] = name end
    table.sort(kinds)
    error(string.format("policy %s accepts no override kind '%s' (it accepts: %s)", info.name, kind,
      #kinds > 0 and table.concat(kinds, ", ") or "none"), 0)
  end
  local allowed = false
  for _, g in ipairs(k.grades) do if g == grade then allowed = true end end
  if not allowed then
    error(string.format("override kind '%s' of policy %s sets one of the grades %s, not '%s'", kind, info.name,
      table.concat(k.grades, ", "), grade), 0)
  end
  if k.needs_until and not till then error(string.format("override kind '%s' needs an end date (--until)", kind), 0) end
  if k.approval and not opts["approved-by"] then
    error(string.format("override kind '%s' needs the approver (--approved-by)", kind), 0)
  end
  local decision = grading.evaluate(pol, year, code, from)
  if info.has_check_override then
    -- `ends` is the end date; `until` (a Lua keyword: o["until"]) is kept for older policies.
    local o = { kind = kind, grade = grade, ends = till, ["until"] = till, from = from, reason = reason, by = kam.user,
                approved_by = opts["approved-by"], computed = decision.computed }
    local f = grading.facts(year, code, pol)
    local r = pol:call("+check_override", { { o, f, { year = year, as_of = from, policy = info.name }, n = 3 } })[1]
    if not r[1] then
      error(string.format("policy %s refuses this override: %s", info.name, tostring(r[2] or "no reason given")), 0)
    end
  end
  local id
  db.transaction(function()
    db.exec([[INSERT INTO overrides(code, policy, kind, grade, valid_from, valid_until, reason, created_by,
              approved_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)]],
      icode, info.name, kind, grade, from, till, reason, kam.user, opts["approved-by"], cli.now_utc())
    id = db.last_insert_rowid()
  end)
  if kam.output_json then
    print(json.encode({ id = id, code = code, policy = info.name, kind = kind, grade = grade, valid_from = from,
      valid_until = till or json.null, computed = decision.computed }))
  else
    io.stderr:write(string.format("kam: override #%d: customer %s grade %s (%s, computed now: %s) from %s%s\n", id, code,
      grade, kind, decision.computed, from, till and (" until " .. till) or ""))
  end
  return 0
elseif sub == "list" then
  if #operands > 1 then return cli.usage_error("override list takes at most one customer code", USAGE) end
  local where, params = {}, {}
  if operands[1] then
    local code, err = cli.check_code(operands[1])
    if not code then return cli.usage_error(err, USAGE) end
    where[#where + 1] = "code = ?"
    params[#params + 1] = math.tointeger(tonumber(code))
  end
  if not opts.all then
    where[#where + 1] = "revoked_at IS NULL AND valid_from <= ? AND (valid_until IS NULL OR valid_until >= ?)"
    params[#params + 1] = cli.today()
    params[#params + 1] = cli.today()
  end
  local rows = db.all("SELECT id, printf('%014d', code) AS code, policy, kind, grade, valid_from, valid_until, reason," ..
    " created_by, approved_by, created_at, revoked_at, revoked_by FROM overrides" ..
    (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "") .. " ORDER BY id", table.unpack(params))
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "code", "policy", "kind", "grade", "valid_from", "valid_until", "created_by",
    "approved_by", "revoked_at", "reason" } })
  return 0
elseif sub == "revoke" then
  if #operands ~= 1 or not math.tointeger(tonumber(operands[1])) then
    return cli.usage_error("override revoke needs one override id", USAGE)
  end
  local id, reason = math.tointeger(tonumber(operands[1])), need("reason")
  local o = db.first("SELECT id, revoked_at FROM overrides WHERE id = ?", id)
  if not o then error("no override #" .. id, 0) end
  if o.revoked_at then error(string.format("override #%d was already revoked on %s", id, o.revoked_at), 0) end
  db.exec("UPDATE overrides SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?", cli.now_utc(),
    kam.user, reason, id)
  io.stderr:write(string.format("kam: override #%d revoked\n", id))
  return 0
else
  return cli.usage_error(sub and ("unknown override subcommand '" .. sub .. "'") or "override needs a subcommand", USAGE)
end
