-- kam override add | list | revoke: manual grades with who and why.  An override never
-- changes or disappears: it is revoked, and the revocation is recorded too.
local cli = require "common.cli"
local store, grading, json = kam.store, kam.grading, kam.json

-- A reason is bounded in characters (not bytes: a Chinese character is three); it must be
-- UTF-8.  Generous: a paragraph, where the longest real reasons are a sentence or two.
local MAX_REASON = 2000

local USAGE = [[
usage: kam override add CODE --kind KIND --grade G --reason TEXT [--until DATE] [--from DATE]
                        [--approved-by NAME] [--year Y] [--replace]
       kam override list [CODE] [--all]
       kam override revoke ID --reason TEXT
An override outranks the computed grade while it is valid (from its start to its end
date, unless revoked).  The policy (--policy, or the database's) says which kinds it
accepts: e.g. hubei's cultivation (培育期, needs --until), shantou's approved_diamond
(needs --approved-by), hq's review.  A customer has at most one override of a kind for
any day: one whose period overlaps another's is refused, naming it, unless --replace
(which revokes the other, saying so).  A reason is UTF-8 text of at most 2000
characters.  list shows the valid ones (--all: every one, with its revocation).
add and revoke wait up to --wait SECONDS (default $KAM_WAIT, else 60) for another
writer, saying whom they wait for.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { kind = "value", grade = "value", reason = "value", ["until"] = "value",
  from = "value", ["approved-by"] = "value", year = "value", all = "flag", replace = "flag", help = "flag", wait = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

-- A required option: its value, or nil and the usage error (exit status 2).
local function need(name)
  if not opts[name] or opts[name] == "" then
    return nil, string.format("override %s: --%s is required", sub, name)
  end
  return opts[name]
end

-- --reason: required, UTF-8, at most MAX_REASON characters.
local function need_reason()
  local reason, err = need("reason")
  if not reason then return nil, err end
  local n = utf8.len(reason)
  if not n then return nil, string.format("override %s: --reason is not valid UTF-8 text", sub) end
  if n > MAX_REASON then
    return nil, string.format("override %s: --reason has %d characters, more than the %d allowed", sub, n, MAX_REASON)
  end
  return reason
end

-- "2026-01-01..2026-06-30", "2026-01-01.." (no end)
local function period(from, till) return from .. ".." .. (till or "") end

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
  local kind, grade, reason
  kind, err = need("kind")
  if kind then grade, err = need("grade") end
  if grade then reason, err = need_reason() end
  if not reason then return cli.usage_error(err, USAGE) end
  local icode = math.tointeger(tonumber(code))
  if not store.customer_exists(icode) then error("no customer " .. code, 0) end

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
  -- One override of a kind per customer and day: the unrevoked ones of this policy, kind and
  -- customer whose period meets [from, till] are refused, or revoked with --replace.  Read
  -- and written in one transaction, so two clerks cannot both add one.
  local id, replaced, refused = nil, {}, nil
  local now = cli.now_utc()
  store.transaction(function()
    local clash = store.override_clashes(icode, info.name, kind, from, till)
    if #clash > 0 and not opts.replace then
      local o = clash[1]
      local more = #clash > 1 and string.format(" (and %d more)", #clash - 1) or ""
      refused = string.format("customer %s already has override #%d (%s, grade %s, %s, by %s)%s, which overlaps %s;"
        .. " revoke it first (kam override revoke %d --reason TEXT), or add --replace to revoke %s and record this one",
        code, o.id, kind, o.grade, period(o.valid_from, o.valid_until), o.created_by, more, period(from, till), o.id,
        #clash > 1 and "them" or "it")
      return
    end
    id = store.override_add({ code = icode, policy = info.name, kind = kind, grade = grade, valid_from = from,
      valid_until = till, reason = reason, created_by = kam.user, approved_by = opts["approved-by"], created_at = now })
    for _, o in ipairs(clash) do
      store.override_revoke(o.id, now, kam.user, string.format("replaced by override #%d: %s", id, reason))
      replaced[#replaced + 1] = o.id
    end
  end)
  if refused then error(refused, 0) end
  if kam.output_json then
    print(json.encode({ id = id, code = code, policy = info.name, kind = kind, grade = grade, valid_from = from,
      valid_until = till or json.null, computed = decision.computed, replaced = json.array(replaced) }))
  else
    local ids = {}
    for i, r in ipairs(replaced) do ids[i] = "#" .. r end
    io.stderr:write(string.format("kam: override #%d: customer %s grade %s (%s, computed now: %s) from %s%s%s\n", id, code,
      grade, kind, decision.computed, from, till and (" until " .. till) or "",
      #ids > 0 and ("; it replaces " .. table.concat(ids, ", ") .. " (revoked)") or ""))
  end
  return 0
elseif sub == "list" then
  local icode, err = cli.list_code("override", operands)
  if icode == false then return cli.usage_error(err, USAGE) end
  local rows = store.overrides_list(icode, not opts.all and cli.today() or nil)
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "code", "policy", "kind", "grade", "valid_from", "valid_until", "created_by",
    "approved_by", "reason", "revoked_at", "revoked_by", "revoke_reason" } })
  return 0
elseif sub == "revoke" then
  if #operands ~= 1 or not math.tointeger(tonumber(operands[1])) then
    return cli.usage_error("override revoke needs one override id", USAGE)
  end
  local id = math.tointeger(tonumber(operands[1]))
  local reason, err = need_reason()
  if not reason then return cli.usage_error(err, USAGE) end
  local o = store.override(id)
  if not o then error("no override #" .. id, 0) end
  if o.revoked_at then
    error(string.format("override #%d was already revoked on %s by %s: %s", id, o.revoked_at, o.revoked_by or "?",
      o.revoke_reason or ""), 0)
  end
  local now = cli.now_utc()
  store.override_revoke(id, now, kam.user, reason)
  if kam.output_json then
    print(json.encode({ id = id, revoked_at = now, revoked_by = kam.user, revoke_reason = reason }))
  else
    io.stderr:write(string.format("kam: override #%d revoked\n", id))
  end
  return 0
else
  return cli.usage_error(sub and ("unknown override subcommand '" .. sub .. "'") or "override needs a subcommand", USAGE)
end
