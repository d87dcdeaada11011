-- kam arrear add | pay | list | stops | ageing | ratio: receivables and arrears (欠费,
-- DOMAIN.md §6).  Only agreement customers may run arrears; lines the policy never puts on
-- credit are refused.  A customer with an arrear unpaid more than the policy's
-- stop_after_days past its due date is on credit stop (停止记账) until it is paid; the
-- stop is computed from the receivables and payments on the day asked, so paying lifts
-- it.  The handler of an arrear stays accountable for it (终身追缴制).  Year-end arrears
-- must stay within the policy's share of the year's postal revenue (≤ 5%: exactly the
-- cap passes).  A receivable and its payments are kept as they were (never changed).
local cli = require "common.cli"
local money = require "common.money"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam arrear add CODE --line LINE --amount YUAN --due DATE --handler NAME
                          [--issued DATE] [--ref TEXT]
       kam arrear pay ID --amount YUAN [--on DATE]
       kam arrear list [CODE] [--as-of DATE] [--all]
       kam arrear stops [--as-of DATE]
       kam arrear ageing [--as-of DATE]
       kam arrear ratio [--year Y]
       kam arrear credit CODE [--level TEXT] [--limit YUAN] [--cycle-days N] [--on DATE]
                              [--reason TEXT] [--history]
       kam arrear warnings [--as-of DATE]
add records a receivable (issued --issued, default today in the database's timezone;
due --due), refused for a customer without an agreement and for a line the policy never
puts on credit.  pay records a payment (more than is outstanding is refused).  list
shows the open receivables on --as-of (default today; --all: every one) with what is
outstanding and the days past due; stops the customers on credit stop on that day and
since when; ageing the open receivables in the policy's ageing buckets; ratio the
year-end arrears (31 December of --year, default last year) against the year's postal
revenue less the lines the policy excludes, and the policy's cap.  credit shows the
customer's credit file standing on --on (default today; --history: every version):
credit level, arrears limit and repayment cycle (seed 003 art. 7); with --level,
--limit or --cycle-days it records a new version from --on (what is not given is kept
from the version standing then; a first version needs all three).  Credit files are
confidential.  warnings lists the customers the policy's warning thresholds flag on
--as-of: an arrear more than arrears.warn_days past due, more than arrears.warn_amount
past due in all, or owing more than the customer's own arrears limit.  Writes wait up to
--wait SECONDS (default $KAM_WAIT, else 60) for another writer.
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { line = "value", amount = "value", due = "value", handler = "value",
  issued = "value", ref = "value", on = "value", ["as-of"] = "value", all = "flag", year = "value", help = "flag",
  level = "value", limit = "value", ["cycle-days"] = "value", reason = "value", history = "flag",
  wait = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local LINES = {}
for _, l in ipairs(kam.grading.lines) do LINES[l] = true end

local function day_opt(name) return money.day_opt(opts, name) end

local function need(name)
  if not opts[name] or opts[name] == "" then return nil, string.format("arrear %s: --%s is required", sub, name) end
  return opts[name]
end

local function amount_opt()
  local s, err = need("amount")
  if not s then return nil, err end
  local fen
  fen, err = money.parse_yuan(s, "--amount")
  if not fen then return nil, err end
  if fen <= 0 then return nil, string.format("--amount '%s' must be more than 0", s) end
  return fen
end

local function no_operands(what)
  if #operands > 0 then return cli.usage_error("arrear " .. what .. " takes no operands", USAGE) end
end

if sub == "add" then
  if #operands ~= 1 then return cli.usage_error("arrear add needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  local line, amount, due, handler, issued
  if code then line, err = need("line") end
  if line and not LINES[line] then
    line, err = nil, string.format("--line '%s' is not a business line (%s)", line, table.concat(kam.grading.lines, ", "))
  end
  if line then amount, err = amount_opt() end
  if amount then due, err = need("due") end
  if due then due, err = money.check_day(due) end
  if due then handler, err = need("handler") end
  if handler then issued, err = day_opt("issued") end
  if issued and due < issued then issued, err = nil, string.format("--due %s is before the issue day %s", due, issued) end
  if not issued then return cli.usage_error(err, USAGE) end
  local icode = math.tointeger(tonumber(code))
  local p = money.policy()
  local id, r
  store.transaction(function()
    local c = store.customer(icode)
    if not c then error("arrear add: no customer " .. code, 0) end
    if not c.agreement then
      error(string.format("arrear add: customer %s (%s) has no agreement: only agreement customers may run arrears",
        code, c.name), 0)
    end
    local ok, why = money.line_on_credit(p, line)
    if not ok then error("arrear add: " .. why, 0) end
    id = store.receivable_add({ code = icode, line = line, amount = amount, issued = issued, due = due,
      handler = handler, ref = opts.ref, created_by = kam.user, created_at = cli.now_utc() })
    r = store.receivable(id, issued)
  end)
  if kam.output_json then
    print(json.encode(r, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: receivable #%d customer %s %s %s, due %s, handler %s\n", id, code, line,
      money.yuan(amount), due, handler))
  end
  return 0
elseif sub == "pay" then
  local id = #operands == 1 and math.tointeger(tonumber(operands[1]))
  if not id then return cli.usage_error("arrear pay needs one receivable id", USAGE) end
  local amount, err = amount_opt()
  local on
  if amount then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local r
  store.transaction(function()
    -- What is outstanding counts every payment recorded, a later-dated one too.
    local all = store.receivable(id, "9999-12-31")
    if not all then error(string.format("arrear pay: no receivable #%d", id), 0) end
    if on < all.issued then
      error(string.format("arrear pay: %s is before receivable #%d was issued (%s)", on, id, all.issued), 0)
    end
    if amount > all.outstanding then
      error(string.format("arrear pay: %s is more than the %s outstanding on receivable #%d", money.yuan(amount),
        money.yuan(all.outstanding), id), 0)
    end
    store.receivable_pay({ receivable = id, paid_on = on, amount = amount, by = kam.user, created_at = cli.now_utc() })
    r = store.receivable(id, on)
  end)
  if kam.output_json then
    print(json.encode(r, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: receivable #%d: %s paid on %s, %s outstanding\n", id, money.yuan(amount), on,
      money.yuan(r.outstanding)))
  end
  return 0
elseif sub == "list" then
  local icode, as_of = money.list_args("arrear", operands, opts)
  if icode == false then return cli.usage_error(as_of, USAGE) end
  local rows = store.receivables(icode, as_of, not opts.all)
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  for _, r in ipairs(rows) do
    r.amount_yuan, r.outstanding_yuan = money.yuan(r.amount), money.yuan(r.outstanding)
    r.past_due = r.days_overdue > 0 and r.days_overdue or ""
  end
  cli.table(rows, { columns = { "id", "code", "line", "amount_yuan", "issued", "due", "outstanding_yuan", "past_due",
    "handler", "ref" } })
  return 0
elseif sub == "stops" or sub == "ageing" then
  if no_operands(sub) then return 2 end
  local as_of, err = day_opt("as-of")
  if not as_of then return cli.usage_error(err, USAGE) end
  local p = money.policy()
  local rows = store.receivables(nil, as_of, true)
  if sub == "stops" then
    local stops = money.credit_stops(p, rows)
    if kam.output_json then
      print(json.encode({ as_of = as_of, policy = p.name, stops = json.array(stops) }, { indent = 2, sort_keys = true }))
      return 0
    end
    for _, s in ipairs(stops) do
      s.outstanding_yuan = money.yuan(s.outstanding)
      s.handler = table.concat(s.handlers, ", ")
      s.ids = table.concat(s.receivables, ", ")
    end
    cli.table(stops, { columns = { "code", "since", "outstanding_yuan", "ids", "handler" } })
  else
    local buckets = money.ageing(p, rows)
    if kam.output_json then
      print(json.encode({ as_of = as_of, policy = p.name, buckets = buckets }, { indent = 2, sort_keys = true }))
      return 0
    end
    for _, b in ipairs(buckets) do b.outstanding_yuan = money.yuan(b.outstanding) end
    cli.table(buckets, { columns = { "label", "count", "outstanding_yuan" } })
  end
  return 0
elseif sub == "ratio" then
  if no_operands(sub) then return 2 end
  local year, err = math.tointeger(tonumber(money.today():sub(1, 4))) - 1, nil
  if opts.year then
    year, err = cli.check_year(opts.year)
    if not year then return cli.usage_error(err, USAGE) end
  end
  local p = money.policy()
  local r = money.arrears_ratio(p, year)
  if kam.output_json then
    r.policy = p.name
    r.ratio_bp = r.ratio_bp or json.null
    if r.within == nil then r.within = json.null end   -- masked: credit details the reader may not see
    r.excluded_lines = json.array(r.excluded_lines)
    print(json.encode(r, { indent = 2, sort_keys = true }))
  else
    print(string.format("year-end arrears %d (%s): %s of revenue %s%s: %s, the cap %d%%: %s", year, r.as_of,
      money.yuan(r.arrears), money.yuan(r.revenue),
      #r.excluded_lines > 0 and (" (less " .. table.concat(r.excluded_lines, ", ") .. ": " .. money.yuan(r.revenue_left_out) .. ")") or "",
      r.ratio_bp and money.pct(r.ratio_bp) or r.within == nil and "***" or "no revenue", r.max_share_pct,
      r.within == nil and "***" or r.within and "within" or "over"))
  end
  return 0
elseif sub == "credit" then
  if #operands ~= 1 then return cli.usage_error("arrear credit needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  if not code then return cli.usage_error(err, USAGE) end
  local on
  on, err = day_opt("on")
  if not on then return cli.usage_error(err, USAGE) end
  local setting = opts.level or opts.limit or opts["cycle-days"]
  local limit, cycle
  if opts.limit then
    limit, err = money.parse_yuan(opts.limit, "--limit")
    if not limit then return cli.usage_error(err, USAGE) end
    if limit < 0 then return cli.usage_error(string.format("--limit '%s' cannot be negative", opts.limit), USAGE) end
  end
  if opts["cycle-days"] then
    cycle = math.tointeger(tonumber(opts["cycle-days"]))
    if not opts["cycle-days"]:match("^%d+$") or not cycle or cycle < 1 or cycle > 366 then
      return cli.usage_error(string.format("--cycle-days '%s' must be whole days from 1 to 366", opts["cycle-days"]), USAGE)
    end
  end
  if opts.level and (opts.level == "" or utf8.len(opts.level) == nil or utf8.len(opts.level) > 100) then
    return cli.usage_error("--level must be UTF-8 text of 1 to 100 characters", USAGE)
  end
  if not setting and (opts.reason) then return cli.usage_error("arrear credit: --reason goes with a new version", USAGE) end
  if setting and opts.history then return cli.usage_error("arrear credit: --history only shows", USAGE) end
  local icode = math.tointeger(tonumber(code))
  local file, history
  if setting then
    store.transaction(function()
      local c = store.customer(icode)
      if not c then error("arrear credit: no customer " .. code, 0) end
      local now = store.credit(icode, on)
      if now and math.type(now.arrears_limit) ~= "integer" then
        error(string.format("arrear credit: %s may not read customer %s's credit file, so cannot change it", kam.user, code), 0)
      end
      local f = { code = icode, credit_level = opts.level or (now and now.credit_level),
        arrears_limit = limit or (now and now.arrears_limit), cycle_days = cycle or (now and now.cycle_days),
        since = on, set_by = kam.user, reason = opts.reason, created_at = cli.now_utc() }
      if not (f.credit_level and f.arrears_limit and f.cycle_days) then
        error(string.format("arrear credit: customer %s has no credit file on %s: the first version needs --level, "
          .. "--limit and --cycle-days", code, on), 0)
      end
      if f.arrears_limit > 0 and not c.agreement then
        error(string.format("arrear credit: customer %s has no agreement: only agreement customers may run arrears "
          .. "(a limit of 0 is allowed)", code), 0)
      end
      store.credit_set(f)
    end)
  end
  if opts.history then history = store.credit_history(icode) else file = store.credit(icode, on) end
  if not setting and not history and not file and not store.customer(icode) then
    error("arrear credit: no customer " .. code, 0)
  end
  if kam.output_json then
    if history then
      print(json.encode(json.array(history), { indent = 2 }))
    else
      print(json.encode(file or json.null, { indent = 2, sort_keys = true }))
    end
    return 0
  end
  local rows = history or { file }
  if #rows == 0 then
    io.stderr:write(string.format("kam: customer %s has no credit file on %s\n", code, on))
    return 0
  end
  for _, f in ipairs(rows) do
    f.limit_yuan = math.type(f.arrears_limit) == "integer" and money.yuan(f.arrears_limit) or f.arrears_limit
  end
  cli.table(rows, { columns = { "code", "since", "credit_level", "limit_yuan", "cycle_days", "set_by", "reason" } })
  return 0
elseif sub == "warnings" then
  if no_operands(sub) then return 2 end
  local as_of, err = day_opt("as-of")
  if not as_of then return cli.usage_error(err, USAGE) end
  local p = money.policy()
  local warnings = money.arrears_warnings(p, store.receivables(nil, as_of, true), store.credits(as_of))
  if kam.output_json then
    for _, w in ipairs(warnings) do w.reasons = json.array(w.reasons) end
    print(json.encode({ as_of = as_of, policy = p.name, warnings = json.array(warnings) }, { indent = 2, sort_keys = true }))
    return 0
  end
  for _, w in ipairs(warnings) do
    local texts = {}
    for _, r in ipairs(w.reasons) do texts[#texts + 1] = r.text end
    w.why = table.concat(texts, "; ")
    w.owed_yuan = money.yuan(w.owed)
    w.handler = table.concat(w.handlers, ", ")
  end
  cli.table(warnings, { columns = { "code", "owed_yuan", "oldest_days", "why", "handler" } })
  return 0
else
  return cli.usage_error(sub and ("unknown arrear subcommand '" .. sub .. "'") or "arrear needs a subcommand", USAGE)
end
