-- Shared by the money-and-service commands (discount, claim, arrear, complaint) and, next,
-- their reports: days, yuan, the policy's numbers, and the rules where the policy's
-- numbers decide (routes, deadlines, credit stops, ageing, the year-end arrears ratio).
-- DOMAIN.md §4, §5, §6, §11.  Every day is YYYY-MM-DD in the database's timezone; every
-- day limit is in calendar days counted from the day after the event, and "by day N"
-- includes day N: the deadline of an event on day D with a limit of N days is D + N.
-- Money is integer fen, rates integer basis points: no float anywhere.
local M = {}

-- Days ------------------------------------------------------------------------------------

-- The calendar, and every deadline, are common/days.lua's (calendar days unless the
-- policy counts a limit in working days).
local days = require "common.days"
local cli = require "common.cli"
M.check_day, M.add_days, M.days_between = days.check, days.add, days.between

-- Today in the database's timezone (meta timezone, else the machine's).
-- The day an option names (opts[name], YYYY-MM-DD), default today in the database's
-- timezone; or nil and the usage error ("--on: ...").
function M.day_opt(opts, name)
  if not opts[name] then return M.today() end
  local d, err = M.check_day(opts[name])
  if not d then return nil, "--" .. name .. ": " .. err end
  return d
end

function M.today()
  return kam.store.today()
end

-- The operands of a money list subcommand: at most one customer code, --state one of
-- states (nil: the command takes none), --as-of a day (default today).  The code as an
-- integer (nil: every customer) and the day; or false and the usage error.
function M.list_args(what, operands, opts, states)
  local icode, err = cli.list_code(what, operands)
  if icode == false then return false, err end
  if states then
    local ok
    ok, err = cli.one_of("--state", opts.state, states)
    if not ok then return false, err end
  end
  local as_of
  as_of, err = M.day_opt(opts, "as-of")
  if not as_of then return false, err end
  return icode, as_of
end

-- Whether a request or complaint answered by answer_by was (or, unanswered on as_of, is)
-- late: answered after the day, or not answered and the day past.
function M.answered_late(r, as_of)
  local answered = r.answered_on and r.answered_on <= as_of
  return (answered and r.answered_on > r.answer_by) or (not answered and r.answer_by < as_of)
end

-- Money ------------------------------------------------------------------------------------

-- "5000", "5000.1", "5,000.01" yuan -> integer fen; nil and why for anything else.  At
-- most 2 decimals; at most 13 digits of yuan (far below 2^63 fen).
function M.parse_yuan(s, what)
  what = what or "amount"
  local t = tostring(s):gsub(",", "")
  local sign, whole, frac = t:match("^(%-?)(%d+)%.?(%d*)$")
  if not whole or (t:find("%.") and frac == "") then
    return nil, string.format("%s '%s' must be yuan with up to 2 decimals (5000.00)", what, tostring(s))
  end
  if #frac > 2 then return nil, string.format("%s '%s' has more than 2 decimals", what, tostring(s)) end
  if #whole > 13 then return nil, string.format("%s '%s' is too large", what, tostring(s)) end
  local fen = math.tointeger(tonumber(whole)) * 100 + math.tointeger(tonumber((frac .. "00"):sub(1, 2)))
  if sign == "-" then fen = -fen end
  return fen
end

-- Integer fen as yuan, "5,000.01"; a masked amount (credit details a reader may not see,
-- issue 23) stays "***".
function M.yuan(fen)
  if type(fen) ~= "number" then return tostring(fen) end
  return kam.yuan(fen)
end

-- Sums over amounts of which some may be masked ("***"): a masked term masks the sum.
local function plus(a, b)
  if type(a) ~= "number" or type(b) ~= "number" then return "***" end
  return a + b
end
-- An open receivable's row (the list asked for open ones: a masked amount is open).
local function owes(r)
  return type(r.outstanding) ~= "number" or r.outstanding > 0
end

-- Basis points as a percentage, exactly: 150 -> "1.50%".  A rate the reader may not see
-- comes masked from the storage layer ("***") and stays so.
function M.pct(bp)
  if math.type(bp) ~= "integer" then return tostring(bp) end
  return string.format("%d.%02d%%", bp // 100, bp % 100)
end

-- The policy ------------------------------------------------------------------------------

-- The database's policy (or --policy): its name and its numbers table.
function M.policy()
  local pol <close> = kam.grading.policy(kam.policy)
  local info = pol:info()
  local numbers = type(info.module.numbers) == "table" and info.module.numbers or {}
  return { name = info.name, version = info.version, grades = info.grades, numbers = numbers }
end

-- A number the policy must carry: its value, or an error naming the policy and key.
local function need(p, key, what)
  local v = p.numbers[key]
  if v == nil then
    error(string.format("policy %s sets no %s (numbers.%s)", p.name, what, key), 0)
  end
  return v
end
M.need = need

-- Discounts (§5) ------------------------------------------------------------------------

-- The local standard for a grade and line, in basis points (0: none, everything goes to
-- the level above): discount_local_pct[grade][line], else [grade].all.
function M.discount_limit_bp(p, grade, line)
  local by_grade = need(p, "discount_local_pct", "discount standard")[grade or "none"]
  local pct = by_grade and (by_grade[line] or by_grade.all) or 0
  return math.tointeger(pct * 100) or error(string.format("policy %s: discount_local_pct.%s.%s is not whole",
    p.name, tostring(grade), line), 0)
end

-- The route of a request: "local" when rate_bp is within the local standard (the limit
-- included), else "province" (the level above); and the limit.
function M.discount_route(p, grade, line, rate_bp)
  local limit = M.discount_limit_bp(p, grade, line)
  return rate_bp <= limit and "local" or "province", limit
end

-- The day a request made on day must be answered by (approval_days after it).
function M.discount_answer_by(p, day)
  return days.deadline(p, "approval_days", day, need(p, "approval_days", "answer time for discounts"))
end

-- What the policy decides for a request (kam discount request and kam import discounts):
-- the customer's grade now (its latest grading under the policy; "none" when never
-- graded), the route and the local limit, and the day it must be answered by.
function M.discount_terms(p, code, line, rate_bp, on)
  local grade = kam.store.grade_now(code, p.name) or "none"
  local route, limit = M.discount_route(p, grade, line, rate_bp)
  return { grade = grade, route = route, limit_bp = limit, answer_by = M.discount_answer_by(p, on) }
end

-- Whether level may answer a request of route: true, or nil and why.
function M.discount_level_may_answer(p, level, route)
  local levels = need(p, "discount_levels", "discount approval levels")
  local l = levels[level]
  if not l then
    local names = {}
    for k in pairs(levels) do names[#names + 1] = k end
    table.sort(names)
    return nil, string.format("policy %s has no approval level '%s' (it has: %s)", p.name, level,
      table.concat(names, ", "))
  end
  for _, r in ipairs(l.answers or {}) do
    if r == route then return true end
  end
  return nil, string.format("policy %s: the %s level (%s) may not answer a request routed to the %s level",
    p.name, level, l.title or level, route)
end

-- Claims (§4) ---------------------------------------------------------------------------

-- The terms of a claim of amount fen made on day: route ("advance": the city bureau
-- advances it, 5,000.00 exactly included; "province": reported to the province for
-- approval) and its deadlines; an enrolled customer's claim is also handled within
-- enrolled_handle_days and paid within enrolled_pay_days.
function M.claim_terms(p, amount, green, day)
  local c = need(p, "claims", "claim rules")
  local t = {}
  if amount <= c.advance_limit then
    t.route, t.pay_by = "advance", days.deadline(p, "advance_days", day, c.advance_days)
  else
    t.route, t.report_by = "province", days.deadline(p, "report_days", day, c.report_days)
  end
  if green then
    t.handle_by = days.deadline(p, "enrolled_handle_days", day, c.enrolled_handle_days)
    local pay = days.deadline(p, "enrolled_pay_days", day, c.enrolled_pay_days)
    if not t.pay_by or pay < t.pay_by then t.pay_by = pay end
  end
  return t
end

-- Whether the customer is in the green channel on day: enrolled on or before it and not
-- left by it (it left on left_on: from that day on, its claims go the ordinary way).
function M.green_on(code, day)
  local g = kam.store.green(code)
  return g ~= nil and g.enrolled_on <= day and (g.left_on == nil or g.left_on > day)
end

-- What the policy decides for a claim of a customer (kam claim add and kam import
-- claims): claim_terms with the enrolment on the claim's day, and green (a boolean).
function M.claim_routing(p, code, amount, day)
  local green = M.green_on(code, day)
  local t = M.claim_terms(p, amount, green, day)
  t.green = green
  return t
end

-- A claim's state on as_of: "paid", "overdue" (a deadline passed before as_of without its
-- event by then) or "open"; the deadlines overdue ({"report", "handle", "pay"}) and those
-- met late (the event after its day), as kam.store.claims(…, "overdue", as_of) reads them.
function M.claim_state(c, as_of)
  local overdue, late = {}, {}
  local function check(by, on, name)
    if not by then return end
    if on and on <= as_of then
      if on > by then late[#late + 1] = name end
    elseif by < as_of then
      overdue[#overdue + 1] = name
    end
  end
  check(c.report_by, c.reported_on, "report")
  check(c.handle_by, c.handled_on, "handle")
  check(c.pay_by, c.paid_on, "pay")
  local paid = c.paid_on and c.paid_on <= as_of
  return paid and "paid" or (#overdue > 0 and "overdue" or "open"), overdue, late
end

-- Arrears (§6) ---------------------------------------------------------------------------

-- Whether a line may be on credit under the policy: true, or nil and why.
function M.line_on_credit(p, line)
  local a = need(p, "arrears", "arrears rules")
  for _, l in ipairs(a.never_on_credit or {}) do
    if l == line then
      return nil, string.format("policy %s: the %s line is never on credit", p.name, line)
    end
  end
  return true
end

-- The customers on credit stop on as_of, from the open receivables (kam.store.receivables(
-- nil, as_of, true)): an array, by code, of {code, since (the first day of the stop),
-- outstanding (fen, of the overdue receivables), receivables (their ids), handlers}.
function M.credit_stops(p, rows)
  local after = need(p, "arrears", "arrears rules").stop_after_days or 0
  local by, list = {}, {}
  for _, r in ipairs(rows) do
    -- on stop from the day after the last of stop_after_days past due
    local since = days.add(days.deadline(p, "stop_after_days", r.due, after), 1)
    if owes(r) and since <= days.add(r.due, r.days_overdue) then
      local s = by[r.code]
      if not s then
        s = { code = r.code, since = nil, outstanding = 0, receivables = {}, handlers = {} }
        by[r.code] = s
        list[#list + 1] = s
      end
      if not s.since or since < s.since then s.since = since end
      s.outstanding = plus(s.outstanding, r.outstanding)
      s.receivables[#s.receivables + 1] = r.id
      local seen = false
      for _, h in ipairs(s.handlers) do if h == r.handler then seen = true end end
      if not seen then s.handlers[#s.handlers + 1] = r.handler end
    end
  end
  table.sort(list, function(a, b) return a.code < b.code end)
  return list
end

-- The arrears warnings (预警, DOMAIN §6) on as_of, from the open receivables
-- (kam.store.receivables(nil, as_of, true)) and the credit files standing then
-- (kam.store.credits(as_of)): every customer with an arrear more than arrears.warn_days
-- past due, more than arrears.warn_amount past due in all, or owing (due or not) more
-- than its own credit file's arrears_limit.  An array by code of {code, owed, overdue
-- (fen past due), oldest_days and oldest_id (the oldest arrear's days past due and
-- receivable id), first_id (the customer's first open receivable), limit (fen, "***"
-- when the reader may not see it, nil without a credit file), credit_level, reasons
-- ({kind = "age"|"size"|"limit", text}), handlers}.  A limit the reader may not see is
-- not compared (masked_limit true): the warning cannot be told without reading it; nor
-- is an amount owed the reader may not see (masked_amount true: owed and overdue "***").
function M.arrears_warnings(p, rows, credits)
  local a = need(p, "arrears", "arrears rules")
  for _, k in ipairs({ "warn_days", "warn_amount" }) do
    if math.type(a[k]) ~= "integer" then
      error(string.format("policy %s sets no arrears warning threshold (numbers.arrears.%s)", p.name, k), 0)
    end
  end
  local file = {}
  for _, c in ipairs(credits or {}) do file[c.code] = c end
  local by, list = {}, {}
  for _, r in ipairs(rows) do
    if owes(r) then
      local w = by[r.code]
      if not w then
        w = { code = r.code, owed = 0, overdue = 0, oldest_days = 0, first_id = r.id, handlers = {} }
        by[r.code] = w
        list[#list + 1] = w
      end
      w.owed = plus(w.owed, r.outstanding)
      if r.days_overdue > 0 then
        w.overdue = plus(w.overdue, r.outstanding)
        if r.days_overdue > w.oldest_days then w.oldest_days, w.oldest_id = r.days_overdue, r.id end
      end
      local seen = false
      for _, h in ipairs(w.handlers) do if h == r.handler then seen = true end end
      if not seen then w.handlers[#w.handlers + 1] = r.handler end
    end
  end
  local out = {}
  for _, w in ipairs(list) do
    w.reasons = {}
    if w.oldest_days > a.warn_days then
      w.reasons[#w.reasons + 1] = { kind = "age", text = string.format("an arrear %d days past due (more than %d)",
        w.oldest_days, a.warn_days) }
    end
    w.masked_amount = type(w.owed) ~= "number" or nil
    if w.masked_amount then
      w.overdue = "***"
    elseif w.overdue > a.warn_amount then
      w.reasons[#w.reasons + 1] = { kind = "size", text = string.format("%s past due (more than %s)", M.yuan(w.overdue),
        M.yuan(a.warn_amount)) }
    end
    local f = file[w.code]
    if f then
      w.limit, w.credit_level = f.arrears_limit, f.credit_level
      if math.type(f.arrears_limit) ~= "integer" or w.masked_amount then
        w.masked_limit = true
      elseif w.owed > f.arrears_limit then
        w.reasons[#w.reasons + 1] = { kind = "limit", text = string.format("owes %s, more than its arrears limit of %s",
          M.yuan(w.owed), M.yuan(f.arrears_limit)) }
      end
    end
    if #w.reasons > 0 then out[#out + 1] = w end
  end
  table.sort(out, function(x, y) return x.code < y.code end)
  return out
end

-- Ageing of open receivables on as_of: an array of buckets {label, from, to (nil: no
-- end), count, outstanding}: "not due" (days_overdue ≤ 0), then one per ageing_days bound
-- (1-30, 31-90, …) and the last beyond them.
function M.ageing(p, rows)
  local bounds = need(p, "arrears", "arrears rules").ageing_days or {}
  local buckets = { { label = "not due", count = 0, outstanding = 0 } }
  local lo = 1
  for _, b in ipairs(bounds) do
    buckets[#buckets + 1] = { label = string.format("%d-%d days", lo, b), from = lo, to = b, count = 0,
                              outstanding = 0 }
    lo = b + 1
  end
  buckets[#buckets + 1] = { label = string.format("over %d days", lo - 1), from = lo, count = 0, outstanding = 0 }
  for _, r in ipairs(rows) do
    if owes(r) then
      local k = 1
      if r.days_overdue > 0 then
        for i = 2, #buckets do
          local b = buckets[i]
          if r.days_overdue >= b.from and (not b.to or r.days_overdue <= b.to) then k = i break end
        end
      end
      buckets[k].count = buckets[k].count + 1
      buckets[k].outstanding = plus(buckets[k].outstanding, r.outstanding)
    end
  end
  return buckets
end

-- The year-end arrears ratio of year: arrears outstanding on 31 December (receivables
-- issued by then, less what was paid by then) against the year's postal revenue less the
-- lines the policy leaves out.  within: arrears × 100 ≤ revenue × max_share_pct, exactly
-- (5% passes, one fen more fails).  ratio_bp is the share in basis points, rounded down.
function M.arrears_ratio(p, year)
  local a = need(p, "arrears", "arrears rules")
  local day = string.format("%04d-12-31", year)
  local arrears = 0
  for _, r in ipairs(kam.store.receivables(nil, day, true)) do arrears = plus(arrears, r.outstanding) end
  local excluded, revenue, left_out = {}, 0, 0
  for _, l in ipairs(a.revenue_excludes or {}) do excluded[l] = true end
  for line, amount in pairs(kam.store.revenue_by_line(year)) do
    if excluded[line] then left_out = left_out + amount else revenue = revenue + amount end
  end
  local cap = a.max_share_pct
  local within   -- nil: the arrears are masked (credit details the reader may not see)
  if type(arrears) == "number" then within = arrears * 100 <= revenue * cap end
  return {
    year = year, as_of = day, arrears = arrears, revenue = revenue, revenue_left_out = left_out,
    excluded_lines = a.revenue_excludes or {}, max_share_pct = cap,
    ratio_bp = type(arrears) == "number" and revenue > 0 and (arrears * 10000) // revenue or nil,
    within = within,
  }
end

-- Complaints (§11) ------------------------------------------------------------------------

function M.complaint_answer_by(p, day)
  return days.deadline(p, "complaint_days", day, need(p, "complaint_days", "complaint answer time"))
end

-- The day a complaint escalated on day must be answered by at the level above.
function M.complaint_escalated_by(p, day)
  return days.deadline(p, "complaint_escalated_days", day,
    need(p, "complaint_escalated_days", "answer time for an escalated complaint"))
end

-- Measures over complaints (kam.store.complaints rows) on as_of: received, answered,
-- on_time (answered by answer_by), late, open, overdue, on_time_pct_bp (of the answered
-- and the overdue: what was due by as_of), and the satisfaction counts.
function M.complaint_measures(rows, as_of)
  local m = { received = 0, answered = 0, on_time = 0, late = 0, open = 0, overdue = 0,
              satisfaction = { satisfied = 0, neutral = 0, dissatisfied = 0 } }
  for _, c in ipairs(rows) do
    m.received = m.received + 1
    if c.answered_on and c.answered_on <= as_of then
      m.answered = m.answered + 1
      if c.answered_on <= c.answer_by then m.on_time = m.on_time + 1 else m.late = m.late + 1 end
      if c.satisfaction and c.rated_on <= as_of then
        m.satisfaction[c.satisfaction] = m.satisfaction[c.satisfaction] + 1
      end
    else
      m.open = m.open + 1
      if c.answer_by < as_of then m.overdue = m.overdue + 1 end
    end
  end
  local due = m.answered + m.overdue
  m.on_time_pct_bp = due > 0 and (m.on_time * 10000) // due or nil
  return m
end

-- kam import of discounts, claims and complaints -------------------------------------------

-- The fields the command's rule decides for a row read from a file (import_money.c and
-- import_receivables.c check the cells and store the row): the same functions kam arrear
-- add, kam discount request, kam claim add and kam complaint add call, with the policy's
-- name; or nil, why and the column to blame when the rule refuses the row.
function M.import_row(p, kind, row)
  local t
  if kind == "receivables" then
    local ok, why = M.line_on_credit(p, row.line)
    if not ok then
      return nil, string.format("column 'line': policy %s never puts the %s line on credit", p.name, row.line), "line"
    end
    t = {}
  elseif kind == "discounts" then
    t = M.discount_terms(p, row.code, row.line, row.rate_bp, row.requested_on)
  elseif kind == "claims" then
    t = M.claim_routing(p, row.code, row.amount, row.claimed_on)
    t.green = t.green and 1 or 0
  elseif kind == "complaints" then
    t = { answer_by = M.complaint_answer_by(p, row.received_on) }
  else
    error("no import rule for the kind '" .. tostring(kind) .. "'", 0)
  end
  t.policy = p.name
  return t
end

-- The daily reminder ----------------------------------------------------------------------

-- What is due on as_of or overdue, per owner: an array of {owner, items}, owners sorted,
-- each item {kind, id, code, what, due, overdue (true: due before as_of)}.  The owners:
-- a discount request's answering level ("local"/"province" and the policy's title), a
-- claim's recorder (who took it), a receivable's handler (accountable for collecting
-- it), a complaint's owner (whoever received it).
function M.reminders(p, as_of)
  local by, owners = {}, {}
  local function add(owner, item)
    if not by[owner] then by[owner] = {} owners[#owners + 1] = owner end
    item.overdue = item.due < as_of
    table.insert(by[owner], item)
  end
  local levels = p.numbers.discount_levels or {}
  for _, d in ipairs(kam.store.discounts(nil, "pending", as_of)) do
    if d.answer_by <= as_of then
      local l = levels[d.route]
      add(l and l.title and (d.route .. ": " .. l.title) or d.route, { kind = "discount", id = d.id, code = d.code,
        what = string.format("answer the request for %s off %s", M.pct(d.rate_bp), d.line), due = d.answer_by })
    end
  end
  for _, c in ipairs(kam.store.claims(nil, "open", as_of)) do
    for _, step in ipairs({ { "report_by", "reported_on", "report it to the province" },
                            { "handle_by", "handled_on", "handle it" }, { "pay_by", "paid_on", "pay it" } }) do
      local by_day, done = c[step[1]], c[step[2]]
      if by_day and by_day <= as_of and not (done and done <= as_of) then
        add(c.created_by, { kind = "claim", id = c.id, code = c.code,
          what = string.format("claim of %s: %s", M.yuan(c.amount), step[3]), due = by_day })
      end
    end
  end
  local open = kam.store.receivables(nil, as_of, true)
  for _, r in ipairs(open) do
    if r.due <= as_of then
      add(r.handler, { kind = "arrear", id = r.id, code = r.code,
        what = string.format("collect %s (%s)", M.yuan(r.outstanding), r.line), due = r.due })
    end
  end
  -- The arrears warnings, to each handler of the customer's arrears, due the day asked.
  if p.numbers.arrears and p.numbers.arrears.warn_days then
    for _, w in ipairs(M.arrears_warnings(p, open, kam.store.credits(as_of))) do
      local texts = {}
      for _, r in ipairs(w.reasons) do texts[#texts + 1] = r.text end
      for _, h in ipairs(w.handlers) do
        add(h, { kind = "arrears warning", id = w.oldest_id or w.first_id, code = w.code,
          what = table.concat(texts, "; "), due = as_of })
      end
    end
  end
  for _, c in ipairs(kam.store.complaints(nil, "open", as_of)) do
    if c.answer_by <= as_of then
      add(c.owner, { kind = "complaint", id = c.id, code = c.code, what = "answer the complaint", due = c.answer_by })
    end
  end
  table.sort(owners)
  local out = {}
  for _, o in ipairs(owners) do
    table.sort(by[o], function(a, b)
      if a.due ~= b.due then return a.due < b.due end
      if a.kind ~= b.kind then return a.kind < b.kind end
      return a.id < b.id
    end)
    out[#out + 1] = { owner = o, items = by[o] }
  end
  return out
end

return M
