-- kam complaint add | answer | rate | list | measures: complaints and service quality
-- (DOMAIN.md §11).  Whoever receives a complaint owns it to the end (first-responder
-- responsibility); it is answered by complaint_days after the day it was received (a
-- policy number: the seeds say only "within the prescribed time"); the customer's
-- satisfaction with the answer is noted.  Measures: on-time rate, satisfaction, open and
-- overdue complaints.  A complaint, its answer and its rating are kept as they were.
local cli = require "common.cli"
local money = require "common.money"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam complaint add CODE --content TEXT [--owner NAME] [--unit UNIT] [--on DATE]
       kam complaint answer ID --answer TEXT [--on DATE]
       kam complaint rate ID --satisfaction satisfied|neutral|dissatisfied [--on DATE]
       kam complaint escalate ID --to NAME --reason TEXT [--unit UNIT] [--on DATE]
       kam complaint list [CODE] [--state open|overdue|answered] [--as-of DATE]
       kam complaint measures [--as-of DATE]
add records a complaint received on --on (default today in the database's timezone),
owned by --owner (default the user: whoever receives it owns it), its answer due
complaint_days after that day (the policy's number; the last day included).  answer
records the answer (after the due day it is late); rate the customer's satisfaction.
list shows the complaints (--state: open or overdue on --as-of, default today, or
answered); escalate records that the owner's unit cannot solve it: it goes at once to
the level above (DOMAIN §11), to --to (and --unit), who owns it from --on and answers
it by complaint_escalated_days after that day (the policy's number); measures the
on-time rate (answered by the due day, of those due), the
satisfaction and the open and overdue ones, in all and by grade.  Writes wait up to
--wait SECONDS (default $KAM_WAIT, else 60) for another writer.
]]

-- A text is bounded in characters (a Chinese character is one), and must be UTF-8.
local MAX_TEXT = 4000

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { content = "value", owner = "value", unit = "value", on = "value",
  answer = "value", satisfaction = "value", state = "value", ["as-of"] = "value", help = "flag", wait = "value",
  to = "value", reason = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

local function day_opt(name) return money.day_opt(opts, name) end

local function text_opt(name, required)
  local s = opts[name]
  if not s or s == "" then
    if required then return nil, string.format("complaint %s: --%s is required", sub, name) end
    return false
  end
  local n = utf8.len(s)
  if not n then return nil, string.format("complaint %s: --%s is not valid UTF-8 text", sub, name) end
  if n > MAX_TEXT then
    return nil, string.format("complaint %s: --%s has %d characters, more than the %d allowed", sub, name, n, MAX_TEXT)
  end
  return s
end

local function id_operand()
  local id = #operands == 1 and math.tointeger(tonumber(operands[1]))
  if not id then return nil, "complaint " .. sub .. " needs one complaint id" end
  return id
end

if sub == "add" then
  if #operands ~= 1 then return cli.usage_error("complaint add needs one customer code", USAGE) end
  local code, err = cli.check_code(operands[1])
  local content, owner, unit, on
  if code then content, err = text_opt("content", true) end
  if content then owner, err = text_opt("owner", false) end
  if owner ~= nil then unit, err = text_opt("unit", false) end
  if unit ~= nil then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local icode = math.tointeger(tonumber(code))
  local p = money.policy()
  local c
  store.transaction(function()
    if not store.customer_exists(icode) then error("complaint add: no customer " .. code, 0) end
    local id = store.complaint_add({ code = icode, received_on = on, content = content, owner = owner or kam.user,
      unit = unit or nil, policy = p.name, answer_by = money.complaint_answer_by(p, on), created_by = kam.user,
      created_at = cli.now_utc() })
    c = store.complaint(id)
  end)
  if kam.output_json then
    print(json.encode(c, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: complaint #%d customer %s received %s, owner %s, answer due by %s\n", c.id,
      c.code, c.received_on, c.owner, c.answer_by))
  end
  return 0
elseif sub == "answer" or sub == "rate" then
  local id, err = id_operand()
  local text, on
  if id then
    if sub == "answer" then
      text, err = text_opt("answer", true)
    else
      text = opts.satisfaction
      if not text then
        err = "complaint rate: --satisfaction is required"
      elseif not ({ satisfied = true, neutral = true, dissatisfied = true })[text] then
        text, err = nil, "--satisfaction '" .. text .. "' must be satisfied, neutral or dissatisfied"
      end
    end
  end
  if text then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local c, late
  store.transaction(function()
    c = store.complaint(id)
    if not c then error(string.format("complaint %s: no complaint #%d", sub, id), 0) end
    if sub == "answer" then
      if c.answered_on then
        error(string.format("complaint answer: complaint #%d was answered on %s by %s", id, c.answered_on,
          c.answered_by), 0)
      end
      if on < c.received_on then
        error(string.format("complaint answer: %s is before the complaint was received (%s)", on, c.received_on), 0)
      end
      late = on > c.answer_by
      store.complaint_answer({ complaint = id, answered_on = on, answer = text, by = kam.user,
        created_at = cli.now_utc() })
    else
      if not c.answered_on then error(string.format("complaint rate: complaint #%d has no answer yet", id), 0) end
      if c.satisfaction then
        error(string.format("complaint rate: complaint #%d was rated %s on %s", id, c.satisfaction, c.rated_on), 0)
      end
      if on < c.answered_on then
        error(string.format("complaint rate: %s is before the answer (%s)", on, c.answered_on), 0)
      end
      store.complaint_rate({ complaint = id, satisfaction = text, noted_on = on, by = kam.user,
        created_at = cli.now_utc() })
    end
    c = store.complaint(id)
  end)
  if kam.output_json then
    c.late = late
    print(json.encode(c, { indent = 2, sort_keys = true }))
  elseif sub == "answer" then
    io.stderr:write(string.format("kam: complaint #%d answered on %s%s\n", id, on,
      late and string.format(" (late: due by %s)", c.answer_by) or " (on time)"))
  else
    io.stderr:write(string.format("kam: complaint #%d: customer %s\n", id, text))
  end
  return 0
elseif sub == "escalate" then
  local id, err = id_operand()
  local to, reason, unit, on
  if id then to, err = text_opt("to", true) end
  if to then reason, err = text_opt("reason", true) end
  if reason then unit, err = text_opt("unit", false) end
  if unit ~= nil then on, err = day_opt("on") end
  if not on then return cli.usage_error(err, USAGE) end
  local p = money.policy()
  local c
  store.transaction(function()
    c = store.complaint(id)
    if not c then error(string.format("complaint escalate: no complaint #%d", id), 0) end
    if c.answered_on then
      error(string.format("complaint escalate: complaint #%d was answered on %s by %s: nothing to escalate", id,
        c.answered_on, c.answered_by), 0)
    end
    local since = c.escalated_on or c.received_on
    if on < since then
      error(string.format("complaint escalate: %s is before the complaint was %s (%s)", on,
        c.escalated_on and "last escalated" or "received", since), 0)
    end
    if to == c.owner then
      error(string.format("complaint escalate: complaint #%d is owned by %s already: escalate to the level above", id, to), 0)
    end
    store.complaint_escalate({ complaint = id, escalated_on = on, from_owner = c.owner, to_owner = to,
      to_unit = unit or nil, answer_by = money.complaint_escalated_by(p, on), reason = reason, by = kam.user,
      created_at = cli.now_utc() })
    c = store.complaint(id)
  end)
  if kam.output_json then
    c.escalation_history = json.array(store.complaint_escalations(id))
    print(json.encode(c, { indent = 2, sort_keys = true }))
  else
    io.stderr:write(string.format("kam: complaint #%d escalated on %s to %s%s, answer due by %s\n", id, on, c.owner,
      c.unit and (" (" .. c.unit .. ")") or "", c.answer_by))
  end
  return 0
elseif sub == "list" then
  local icode, as_of = money.list_args("complaint", operands, opts, { "open", "overdue", "answered" })
  if icode == false then return cli.usage_error(as_of, USAGE) end
  local rows = store.complaints(icode, opts.state, as_of)
  for _, c in ipairs(rows) do c.late = money.answered_late(c, as_of) end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  for _, c in ipairs(rows) do c.late = c.late and "late" or "" end
  cli.table(rows, { columns = { "id", "code", "received_on", "owner", "unit", "answer_by", "answered_on", "late",
    "satisfaction", "content" } })
  return 0
elseif sub == "measures" then
  if #operands > 0 then return cli.usage_error("complaint measures takes no operands", USAGE) end
  local as_of, err = day_opt("as-of")
  if not as_of then return cli.usage_error(err, USAGE) end
  local p = money.policy()
  local rows = store.complaints(nil, nil, as_of)
  local by_grade, grade_of = {}, {}
  for _, c in ipairs(rows) do
    local g = grade_of[c.code]
    if not g then
      g = store.grade_now(math.tointeger(tonumber(c.code)), p.name) or "none"
      grade_of[c.code] = g
    end
    by_grade[g] = by_grade[g] or {}
    table.insert(by_grade[g], c)
  end
  local all = money.complaint_measures(rows, as_of)
  local grades = {}
  for _, g in ipairs(p.grades) do
    if by_grade[g] then grades[#grades + 1] = { grade = g, measures = money.complaint_measures(by_grade[g], as_of) } end
  end
  if by_grade.none then grades[#grades + 1] = { grade = "none", measures = money.complaint_measures(by_grade.none, as_of) } end
  if kam.output_json then
    local function fix(m) m.on_time_pct_bp = m.on_time_pct_bp or json.null return m end
    fix(all)
    for _, g in ipairs(grades) do fix(g.measures) end
    print(json.encode({ as_of = as_of, policy = p.name, all = all, by_grade = json.array(grades) },
      { indent = 2, sort_keys = true }))
    return 0
  end
  local out = {}
  local function row(label, m)
    out[#out + 1] = { grade = label, received = m.received, answered = m.answered, on_time = m.on_time, late = m.late,
      open = m.open, overdue = m.overdue, on_time_rate = m.on_time_pct_bp and money.pct(m.on_time_pct_bp) or "-",
      satisfied = m.satisfaction.satisfied, neutral = m.satisfaction.neutral, dissatisfied = m.satisfaction.dissatisfied }
  end
  for _, g in ipairs(grades) do row(g.grade, g.measures) end
  row("all", all)
  cli.table(out, { columns = { "grade", "received", "answered", "on_time", "late", "open", "overdue", "on_time_rate",
    "satisfied", "neutral", "dissatisfied" } })
  return 0
else
  return cli.usage_error(sub and ("unknown complaint subcommand '" .. sub .. "'") or "complaint needs a subcommand", USAGE)
end
