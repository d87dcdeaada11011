-- kam discount request | approve | refuse | list: tariff discounts (资费优惠, DOMAIN.md §5).
-- A request is routed by the policy's local standard for the customer's grade and the
-- business line (discount_local_pct): within it (the limit included) to the local level,
-- beyond it to the level above; it must be answered within approval_days.  An approver
-- states their level; the policy says which requests each level may answer.  A request
-- and its answer are kept as they were (never changed).  Discount records are
-- confidential (DOMAIN §12).
local cli = require "common.cli"
local money = require "common.money"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam discount request CODE --line LINE --rate-bp N --from DATE --until DATE
                            [--method TEXT] [--reason TEXT] [--on DATE]
       kam discount approve ID [--level LEVEL] [--reason TEXT] [--on DATE]
       kam discount refuse ID [--level LEVEL] --reason TEXT [--on DATE]
       kam discount list [CODE] [--state pending|overdue|answered|granted] [--as-of DATE]
A rate is the discount off the standard tariff in basis points, an integer from 1 to
10000 (150 is 1.50% off).  request routes it by the policy's local standard for the
customer's grade (its latest grading under the policy) and LINE: within the standard
(the limit included) to the local level, beyond it to the level above (province); the
answer is due approval_days after the request day (--on, default today in the
database's timezone).  approve and refuse record the answer of an approver at a level
of the policy's discount_levels (local or province); the policy says which requests a
level may answer (a refusal is logged).  Once kam users exist the level is the acting
user's (kam user level NAME LEVEL): a user without one answers nothing, and a --level
other than its own is refused; before, --level states it.  An answer after its due day
is recorded as late.  list shows every request (--state: pending, overdue
on --as-of, answered, or granted: approved and in force on --as-of, default today).
Writes wait up to --wait SECONDS (default $KAM_WAIT, else 60) for another writer.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { line = "value", ["rate-bp"] = "value", from = "value", ["until"] = "value",
  method = "value", reason = "value", on = "value", level = "value", state = "value", ["as-of"] = "value",
  help = "flag", wait = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local LINES = {}
for _, l in ipairs(kam.grading.lines) do LINES[l] = true end

local function day_opt(name) return money.day_opt(opts, name) end

local function need(name)
  if not opts[name] or opts[name] == "" then
    return nil, string.format("discount %s: --%s is required", sub, name)
  end
  return opts[name]
end

-- One request id operand, as an integer, or nil and the usage error.
local function id_operand()
  local id = #operands == 1 and math.tointeger(tonumber(operands[1]))
  if not id then return nil, "discount " .. sub .. " needs one request id" end
  return id
end

local function show(d)
  return string.format("#%d customer %s %s %s off, %s..%s", d.id, d.code, d.line, money.pct(d.rate_bp),
    d.valid_from, d.valid_until)
end

if sub == "request" then
  if #operands ~= 1 then return cli.usage_error("discount request needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local line, rate, from, till, on
  line, err = need("line")
  if line and not LINES[line] then
    line, err = nil, string.format("--line '%s' is not a business line (%s)", line, table.concat(kam.grading.lines, ", "))
  end
  if line then rate, err = need("rate-bp") end
  if rate then
    local n = math.tointeger(tonumber(rate))
    if not rate:match("^%d+$") or not n or n < 1 or n > 10000 then
      rate, err = nil, string.format("--rate-bp '%s' must be whole basis points from 1 to 10000 (150 is 1.50%% off)", rate)
    else
      rate = n
    end
  end
  if rate then from, err = need("from") end
  if from then from, err = money.check_day(from) end
  if from then till, err = need("until") end
  if till then till, err = money.check_day(till) end
  if till and till < from then till, err = nil, string.format("--until %s is before --from %s", till, from) end
  if till then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end

  local icode = math.tointeger(tonumber(code))
  local p = money.policy()
  local id, d
  store.transaction(function()
    if not store.customer_exists(icode) then error("discount request: no customer " .. code, 0) end
    local t = money.discount_terms(p, icode, line, rate, on)
    d = { code = icode, line = line, rate_bp = rate, limit_bp = t.limit_bp, method = opts.method, valid_from = from,
          valid_until = till, requested_on = on, requested_by = kam.user, policy = p.name, grade = t.grade,
          route = t.route, answer_by = t.answer_by, reason = opts.reason, created_at = cli.now_utc() }
    id = store.discount_add(d)
  end)
  d.id, d.code = id, code
  if kam.output_json then
    print(json.encode(d, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: discount %s: grade %s, local standard %s: to the %s level, answer due by %s\n",
      show(d), d.grade, money.pct(d.limit_bp), d.route, d.answer_by))
  end
  return 0
elseif sub == "approve" or sub == "refuse" then
  local id, err = id_operand()
  local level, on
  -- Once users exist, an approver answers at its own level (kam user level): a stated
  -- --level must be it; before, the stated level (single-user mode).
  local me = store.acting()
  if id and me then
    level = opts.level or me.level
    local ok, why = store.answer_level(level, string.format("discount %s #%d", sub, id))
    if not ok then error(why, 0) end
  elseif id then
    level, err = need("level")
  end
  if level and sub == "refuse" then
    local r
    r, err = need("reason")
    if not r then level = nil end
  end
  if level then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local p = money.policy()
  local d, late
  store.transaction(function()
    d = store.discount(id)
    if not d then error(string.format("discount %s: no request #%d", sub, id), 0) end
    if d.decision then
      error(string.format("discount %s: request #%d was already %s on %s by %s (%s level)", sub, id, d.decision,
        d.answered_on, d.answered_by, d.level), 0)
    end
    if d.rate_bp == "***" then   -- its terms are confidential, and masked for this user (issue 23)
      local why = string.format("discount %s: request #%d: its terms read *** for user %s, who therefore does not "
        .. "answer it", sub, id, kam.user)
      store.audit_refused(why)
      error(why, 0)
    end
    if d.policy ~= p.name then
      error(string.format("discount %s: request #%d was routed under policy %s, not %s", sub, id, d.policy, p.name), 0)
    end
    local ok, why = money.discount_level_may_answer(p, level, d.route)
    if not ok then
      why = string.format("discount %s: request #%d (routed to the %s level): %s", sub, id, d.route, why)
      store.audit_refused(why)
      error(why, 0)
    end
    if on < d.requested_on then
      error(string.format("discount %s: the answer's day %s is before the request's (%s)", sub, on, d.requested_on), 0)
    end
    late = on > d.answer_by
    store.discount_answer({ discount = id, decision = sub == "approve" and "approved" or "refused", level = level,
      answered_on = on, answered_by = kam.user, reason = opts.reason, created_at = cli.now_utc() })
    d = store.discount(id)
  end)
  if kam.output_json then
    d.late = late
    print(json.encode(d, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: discount %s %s at the %s level on %s%s\n", show(d), d.decision, level, on,
      late and string.format(" (late: the answer was due by %s)", d.answer_by) or ""))
  end
  return 0
elseif sub == "list" then
  local icode, as_of = money.list_args("discount", operands, opts, { "pending", "overdue", "answered", "granted" })
  if icode == false then return cli.usage_error(as_of, USAGE) end
  local rows = store.discounts(icode, opts.state, as_of)
  for _, d in ipairs(rows) do
    d.late = money.answered_late(d, as_of)
    d.rate = money.pct(d.rate_bp)
  end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "id", "code", "line", "rate", "valid_from", "valid_until", "grade", "route",
    "requested_on", "answer_by", "decision", "level", "answered_on", "answered_by" } })
  return 0
else
  return cli.usage_error(sub and ("unknown discount subcommand '" .. sub .. "'") or "discount needs a subcommand", USAGE)
end
