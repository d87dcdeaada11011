-- kam register [claim] | release | transfer | list | show: registrations of prospects
-- (DOMAIN §7).  Before developing a prospect a team registers it; while the registration
-- stands no other team may (a second claim is refused, naming the holder).  It stands for
-- the policy's registration_days, counted from the day after the claim ("by day N"
-- includes day N); a registration past its last day is recorded as expired when the
-- prospect is next touched.  Released and transferred registrations are kept.
local cli = require "common.cli"
local ob = require "common.obligations"
local dayc = require "common.days"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam register [claim] CODE|NAME --team T [--on DATE]
       kam register release CODE|NAME --reason TEXT [--on DATE] | transfer CODE|NAME
                --team T --reason TEXT [--on DATE]
       kam register list [--team T] [--expiring-by DATE] [--as-of DATE] | show CODE|NAME
A prospect is a stored customer's 14-digit code, or a name as typed.  A claim stands
for the policy's registration_days (calendar days, or working days where the policy
says so, from the day after --on, default today, the last one included); a claim by a
second team while it stands is refused, naming the team that holds it.  transfer hands a registration to another team (a
relocated customer handed over between bureaus).  Nothing is deleted.
]]

local SUBS = { claim = true, release = true, transfer = true, list = true, show = true }
local args = { ... }
local sub = args[1]
if sub and SUBS[sub] then table.remove(args, 1) elseif sub == "--help" or sub == "-h" then sub = "help" else sub = "claim" end
local opts, operands = cli.parse(args, { team = "value", on = "value", reason = "value", ["expiring-by"] = "value",
  ["as-of"] = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "help" then io.write(USAGE) return 0 end
local now, user = cli.now_utc(), kam.user

local function day(name)
  if not opts[name] then return store.today() end
  return cli.check_date(opts[name])
end

-- The prospect: its key and code (nil for a name).
local function prospect(s)
  if not s or s:match("^%s*$") then return nil, nil, "register " .. sub .. " needs a customer code or a name" end
  if s:match("^%d+$") then
    local code, err = cli.check_code(s)
    if not code then return nil, nil, err end
    if not store.customer_exists(code) then error("no customer " .. code, 0) end
    return code, code
  end
  return (s:gsub("^%s+", ""):gsub("%s+$", "")), nil
end

-- The standing registration of key on day `on`; one past its last day is recorded as
-- expired (the day after its last day) and nil returned.
local function standing(key, on)
  local r = store.registration_held(key)
  if r and on > r.expires_on then
    store.registration_end(r.id, "expired", ob.add_days(r.expires_on, 1), user,
      string.format("expired: its last day was %s", r.expires_on), nil)
    return nil, r
  end
  return r
end

local function done(doc, line)
  if kam.output_json then print(json.encode(doc, { indent = 2, sort_keys = true })) else io.stderr:write("kam: ", line, "\n") end
  return 0
end

local function holder_text(r)
  return string.format("team %s since %s (until %s, registered by %s)", r.team, r.claimed_on, r.expires_on, r.claimed_by)
end

if sub == "claim" or sub == "release" or sub == "transfer" then
  if #operands ~= 1 then return cli.usage_error("register " .. sub .. " needs one customer code or name", USAGE) end
  local key, code, err = prospect(operands[1])
  if not key then return cli.usage_error(err, USAGE) end
  local on
  on, err = day("on")
  if not on then return cli.usage_error(err, USAGE) end
  if (sub == "claim" or sub == "transfer") and (not opts.team or opts.team == "") then
    return cli.usage_error("register " .. sub .. ": --team is required", USAGE)
  end
  if sub ~= "claim" and (not opts.reason or opts.reason == "") then
    return cli.usage_error("register " .. sub .. ": --reason is required", USAGE)
  end
  local p = ob.policy()
  local days = ob.registration_days(p)
  if not days and sub ~= "release" then
    error(string.format("policy %s sets no registration_days: how long a registration stands", p.name), 0)
  end
  local r, lapsed = standing(key, on)
  if sub == "claim" then
    if r then
      if r.team == opts.team then
        error(string.format("prospect '%s' is registered to team %s already: %s", key, r.team, holder_text(r)), 0)
      end
      error(string.format("prospect '%s' is registered to %s: no other team may develop it while that stands"
        .. " (DOMAIN §7)", key, holder_text(r)), 0)
    end
    local expires = dayc.deadline(p, "registration_days", on, days)
    local id = store.registration_add(key, code, opts.team, on, expires, user).id
    return done({ id = id, prospect = key, team = opts.team, claimed_on = on, expires_on = expires, days = days,
      lapsed = lapsed and lapsed.id or json.null },
      string.format("registration #%d: '%s' registered to team %s from %s until %s (%d days)%s", id, key, opts.team,
        on, expires, days, lapsed and string.format("; #%d of team %s had expired", lapsed.id, lapsed.team) or ""))
  end
  if not r then
    error(string.format("prospect '%s' has no standing registration%s", key, lapsed and
      string.format(" (#%d of team %s expired after %s)", lapsed.id, lapsed.team, lapsed.expires_on) or ""), 0)
  end
  if sub == "release" then
    store.registration_end(r.id, "released", on, user, opts.reason, nil)
    return done({ id = r.id, prospect = key, team = r.team, released_on = on },
      string.format("registration #%d of team %s released on %s", r.id, r.team, on))
  end
  if r.team == opts.team then error(string.format("prospect '%s' is registered to team %s already", key, r.team), 0) end
  store.registration_end(r.id, "transferred", on, user, opts.reason, nil)
  local expires = dayc.deadline(p, "registration_days", on, days)
  local id = store.registration_add(key, code, opts.team, on, expires, user).id
  store.registration_link(r.id, id)
  return done({ id = id, prospect = key, from_team = r.team, team = opts.team, claimed_on = on, expires_on = expires,
    transferred = r.id }, string.format("registration of '%s' transferred from team %s to team %s on %s (#%d, until %s)",
    key, r.team, opts.team, on, id, expires))
elseif sub == "list" then
  local as_of, err = day("as-of")
  if not as_of then return cli.usage_error(err, USAGE) end
  local by
  if opts["expiring-by"] then
    by, err = cli.check_date(opts["expiring-by"])
    if not by then return cli.usage_error(err, USAGE) end
  end
  local rows = store.registrations_held(opts.team, by)
  for _, r in ipairs(rows) do
    r.state = as_of > r.expires_on and "expired" or "standing"
    r.days_left = ob.day_number(r.expires_on) - ob.day_number(as_of)
  end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "prospect", "team", "claimed_on", "expires_on", "days_left", "state" } })
  return 0
elseif sub == "show" then
  if #operands ~= 1 then return cli.usage_error("register show needs one customer code or name", USAGE) end
  local key, _, err = prospect(operands[1])
  if not key then return cli.usage_error(err, USAGE) end
  local rows = store.registrations_of(key)
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "team", "claimed_on", "expires_on", "status", "ended_on", "ended_by",
    "end_reason", "transferred_to" } })
  return 0
end
