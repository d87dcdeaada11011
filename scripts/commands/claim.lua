-- kam claim add | handle | report | pay | enroll | list: compensation claims (DOMAIN.md §4,
-- the green channel's compensation: pay first, settle liability later).  The amount routes
-- a claim: up to the policy's advance limit (5,000.00 exactly included) the city bureau
-- advances it within advance_days; above it, the city bureau reports it to the province
-- within report_days for approval.  A claim of a customer enrolled in the green channel is
-- also handled within enrolled_handle_days and paid within enrolled_pay_days.  Days are
-- calendar days from the day after the claim.  A claim and its events are kept as they
-- were (never changed).
local cli = require "common.cli"
local money = require "common.money"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam claim add CODE --amount YUAN [--description TEXT] [--on DATE]
       kam claim handle ID [--on DATE]
       kam claim report ID [--on DATE]
       kam claim pay ID [--amount YUAN] [--on DATE]
       kam claim enroll CODE [--on DATE]
       kam claim leave CODE [--reason TEXT] [--on DATE]
       kam claim list [CODE] [--state open|overdue|paid] [--as-of DATE]
add records a claim made on --on (default today in the database's timezone) with its
route and deadlines under the policy's claims numbers: up to advance_limit (included)
the city bureau advances it by advance_days after the claim day; above, it is reported
to the province by report_days after it; a customer enrolled in the green channel
(enroll) also gets it handled by enrolled_handle_days and paid by enrolled_pay_days.
leave records that an enrolled customer left the green channel on --on: its claims from
that day on go the ordinary way (a claim's route depends on the enrolment on the claim's
day; a customer enrols once and leaves once).
handle, report and pay record what happened, once each (pay: --amount, default the
claim's).  list shows every claim (--state: open, overdue on --as-of, or paid), with
the deadlines overdue and those met late.  Writes wait up to --wait SECONDS (default $KAM_WAIT, else 60).
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { amount = "value", description = "value", on = "value", state = "value",
  reason = "value",
  ["as-of"] = "value", help = "flag", wait = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local function day_opt(name) return money.day_opt(opts, name) end

-- The amount of --amount in fen (> 0), or nil and the usage error.
local function amount_opt()
  if not opts.amount then return nil, string.format("claim %s: --amount is required", sub) end
  local fen, err = money.parse_yuan(opts.amount, "--amount")
  if not fen then return nil, err end
  if fen <= 0 then return nil, string.format("--amount '%s' must be more than 0", opts.amount) end
  return fen
end

local function code_operand()
  if #operands ~= 1 then return nil, "claim " .. sub .. " needs one customer code" end
  return cli.check_code(operands[1])
end

local function describe(c)
  local parts = { string.format("#%d customer %s %s claimed %s", c.id, c.code, money.yuan(c.amount), c.claimed_on) }
  if c.route == "advance" then
    parts[#parts + 1] = "advanced by the city bureau"
  else
    parts[#parts + 1] = "over the advance limit: reported to the province by " .. c.report_by
  end
  if c.green == 1 then parts[#parts + 1] = "green channel: handled by " .. c.handle_by end
  if c.pay_by then parts[#parts + 1] = "paid by " .. c.pay_by end
  return table.concat(parts, ", ")
end

if sub == "add" then
  local code, err = code_operand()
  local amount, on
  if code then amount, err = amount_opt() end
  if amount then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local icode = math.tointeger(tonumber(code))
  local p = money.policy()
  local id, c
  store.transaction(function()
    if not store.customer_exists(icode) then error("claim add: no customer " .. code, 0) end
    local t = money.claim_routing(p, icode, amount, on)
    id = store.claim_add({ code = icode, amount = amount, claimed_on = on, policy = p.name, route = t.route,
      green = t.green, report_by = t.report_by, handle_by = t.handle_by, pay_by = t.pay_by,
      description = opts.description, created_by = kam.user, created_at = cli.now_utc() })
    c = store.claim(id)
  end)
  if kam.output_json then
    c.green = c.green == 1
    print(json.encode(c, { indent = 2, sort_keys = true }))
  else
    io.stderr:write("kam: claim " .. describe(c) .. "\n")
  end
  return 0
elseif sub == "handle" or sub == "report" or sub == "pay" then
  local id = #operands == 1 and math.tointeger(tonumber(operands[1]))
  if not id then return cli.usage_error("claim " .. sub .. " needs one claim id", USAGE) end
  local amount, on, err
  if sub == "pay" and opts.amount then
    amount, err = amount_opt()
    if not amount then return cli.usage_error(err, USAGE) end
  elseif opts.amount then
    return cli.usage_error("claim " .. sub .. " takes no --amount", USAGE)
  end
  on, err = day_opt("on")
  if not on then return cli.usage_error(err, USAGE) end
  local EVENT = { handle = "handled", report = "reported", pay = "paid" }
  local ON = { handle = "handled_on", report = "reported_on", pay = "paid_on" }
  local BY = { handle = "handle_by", report = "report_by", pay = "pay_by" }
  local c, late
  store.transaction(function()
    c = store.claim(id)
    if not c then error(string.format("claim %s: no claim #%d", sub, id), 0) end
    if c[ON[sub]] then
      error(string.format("claim %s: claim #%d was already %s on %s", sub, id, EVENT[sub], c[ON[sub]]), 0)
    end
    if sub == "report" and c.route ~= "province" then
      error(string.format("claim report: claim #%d (%s) is within the advance limit: the city bureau advances it, "
        .. "nothing is reported to the province", id, money.yuan(c.amount)), 0)
    end
    if on < c.claimed_on then
      error(string.format("claim %s: %s is before the claim's day (%s)", sub, on, c.claimed_on), 0)
    end
    if sub == "pay" and amount and amount > c.amount then
      error(string.format("claim pay: %s is more than claim #%d's %s", money.yuan(amount), id, money.yuan(c.amount)), 0)
    end
    late = c[BY[sub]] ~= nil and on > c[BY[sub]]
    store.claim_event({ claim = id, event = EVENT[sub], on_day = on, amount = sub == "pay" and (amount or c.amount) or nil,
      by = kam.user, created_at = cli.now_utc() })
    c = store.claim(id)
  end)
  if kam.output_json then
    c.late, c.green = late, c.green == 1
    print(json.encode(c, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: claim #%d %s on %s%s\n", id, EVENT[sub], on,
      late and string.format(" (late: due by %s)", c[BY[sub]]) or ""))
  end
  return 0
elseif sub == "enroll" then
  local code, err = code_operand()
  local on
  if code then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local icode = math.tointeger(tonumber(code))
  local p = money.policy()
  local c = money.need(p, "claims", "claim rules")
  if not c.enrolled_handle_days then
    error(string.format("claim enroll: policy %s has no green channel (numbers.claims.enrolled_handle_days)", p.name), 0)
  end
  store.transaction(function()
    if not store.customer_exists(icode) then error("claim enroll: no customer " .. code, 0) end
    local g = store.green(icode)
    if g and g.left_on then
      error(string.format("claim enroll: customer %s was enrolled from %s and left on %s: a customer enrols once",
        code, g.enrolled_on, g.left_on), 0)
    end
    if g then error(string.format("claim enroll: customer %s is enrolled since %s (by %s)", code, g.enrolled_on,
      g.enrolled_by), 0) end
    store.green_enroll(icode, on, kam.user, cli.now_utc())
  end)
  if kam.output_json then
    print(json.encode({ code = code, enrolled_on = on, enrolled_by = kam.user }, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: customer %s enrolled in the green channel from %s\n", code, on))
  end
  return 0
elseif sub == "leave" then
  local code, err = code_operand()
  local on
  if code then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  if opts.reason and (opts.reason == "" or not utf8.len(opts.reason)) then
    return cli.usage_error("claim leave: --reason must be UTF-8 text", USAGE)
  end
  local icode = math.tointeger(tonumber(code))
  local g
  store.transaction(function()
    if not store.customer_exists(icode) then error("claim leave: no customer " .. code, 0) end
    g = store.green(icode)
    if not g then error(string.format("claim leave: customer %s is not enrolled in the green channel", code), 0) end
    if g.left_on then
      error(string.format("claim leave: customer %s left the green channel on %s (by %s)", code, g.left_on, g.left_by), 0)
    end
    if on <= g.enrolled_on then
      error(string.format("claim leave: %s is not after the enrolment (%s): a customer leaves on a later day", on,
        g.enrolled_on), 0)
    end
    store.green_leave(icode, on, kam.user, opts.reason, cli.now_utc())
    g = store.green(icode)
  end)
  if kam.output_json then
    print(json.encode(g, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: customer %s left the green channel on %s (enrolled from %s): its claims from "
      .. "that day go the ordinary way\n", code, on, g.enrolled_on))
  end
  return 0
elseif sub == "list" then
  local icode, as_of = money.list_args("claim", operands, opts, { "open", "overdue", "paid" })
  if icode == false then return cli.usage_error(as_of, USAGE) end
  local rows = store.claims(icode, opts.state, as_of)
  for _, c in ipairs(rows) do
    local overdue, late
    c.state, overdue, late = money.claim_state(c, as_of)
    c.overdue, c.late = table.concat(overdue, ","), table.concat(late, ",")
    c.green = c.green == 1
  end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  for _, c in ipairs(rows) do c.amount_yuan = money.yuan(c.amount) c.green = c.green and "yes" or "" end
  cli.table(rows, { columns = { "id", "code", "amount_yuan", "claimed_on", "route", "green", "report_by",
    "reported_on", "handle_by", "handled_on", "pay_by", "paid_on", "state", "overdue", "late" } })
  return 0
else
  return cli.usage_error(sub and ("unknown claim subcommand '" .. sub .. "'") or "claim needs a subcommand", USAGE)
end
