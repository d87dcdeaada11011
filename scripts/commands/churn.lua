-- kam churn cause | list: why a lost key account was lost (流失, DOMAIN.md §9).  A key
-- account is lost when it has had no revenue for the policy's churn_months months (kam
-- report churn lists them); each gets a cause in one of the families (the customer's own,
-- the network's, a service failure, other).  The policy routes the loss by the last grade
-- (churn_handled_by: Hubei's class 1 to the province, the others to the city bureau
-- subject to the province's approval) and says what follows a cause of each family
-- (churn_follow_up: a service failure replaces the customer manager; otherwise a written
-- report to the level above).  Causes are appended; the latest for a month stands.
local cli = require "common.cli"
local store, json = kam.store, kam.json

local USAGE = [[
usage: kam churn cause CODE --family customer|network|service|other --cause TEXT [--month YYYY-MM]
       kam churn list [--month YYYY-MM]
cause records why customer CODE, a key account lost in --month (default the month before
this one: no revenue for the policy's churn_months months up to it, as kam report churn
lists them), was lost: its family and the words.  kam says who handles the loss and what
follows, as the policy routes it by the customer's last grade and the family.  A customer
not lost that month is refused.  list shows the month's lost key accounts and their
causes.  Writes wait up to --wait SECONDS (default $KAM_WAIT, else 60).
]]

-- The reports' helpers (who is a key account, who is lost) sit beside the reports.
local here = package.path:match("^([^;]*)/%?%.lua") or "."
package.path = here .. "/../reports/?.lua;" .. package.path
local lib = require "common.report"
local churn = require "common.churn"

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { family = "value", cause = "value", month = "value", help = "flag",
  wait = "value" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end
if sub ~= "cause" and sub ~= "list" then
  return cli.usage_error(sub and ("unknown subcommand '" .. sub .. "' (cause, list)") or "need cause or list", USAGE)
end

local month
if opts.month then
  local y, m = opts.month:match("^(%d%d%d%d)%-(%d%d)$")
  y, m = tonumber(y), tonumber(m)
  if not y or m < 1 or m > 12 then return cli.usage_error("--month '" .. opts.month .. "' must be like 2025-06", USAGE) end
  month = y * 100 + m
else
  local t = cli.today()
  local y, m = tonumber(t:sub(1, 4)), tonumber(t:sub(6, 7))
  month = m == 1 and (y - 1) * 100 + 12 or y * 100 + m - 1
end

local pol <close> = kam.grading.policy(kam.policy)
local info = pol:info()
local policy = { name = info.name, version = info.version, grades = info.grades, revenue_lines = info.revenue_lines,
                 numbers = info.module.numbers or {} }
local lost, why = churn.lost(store, lib, policy, month)
if not lost then error(why, 0) end

if sub == "list" then
  local causes = {}
  for _, c in ipairs(store.churn_causes(month)) do causes[math.tointeger(tonumber(c.code))] = c end
  local rows = {}
  for _, l in ipairs(lost) do
    local c = causes[l.code] or {}
    rows[#rows + 1] = { code = string.format("%014d", l.code), grade = l.grade, family = c.family, cause = c.cause,
      handled_by = c.handled_by, follow_up = c.follow_up, recorded_by = c.recorded_by }
  end
  if kam.output_json then
    print(json.encode({ month = lib.month_text(month), policy = policy.name, lost = json.array(rows) }, { indent = 2 }))
    return 0
  end
  cli.table(rows, { columns = { "code", "grade", "family", "cause", "handled_by", "follow_up", "recorded_by" } })
  return 0
end

-- cause
if #operands ~= 1 then return cli.usage_error("churn cause needs one customer code", USAGE) end
local code, err = cli.check_code(operands[1])
if not code then return cli.usage_error(err, USAGE) end
local icode = math.tointeger(tonumber(code))
local families = { customer = true, network = true, service = true, other = true }
if not opts.family or not families[opts.family] then
  return cli.usage_error("--family must be customer, network, service or other", USAGE)
end
if not opts.cause or opts.cause == "" then return cli.usage_error("churn cause: --cause TEXT is required", USAGE) end
local row
for _, l in ipairs(lost) do if l.code == icode then row = l end end
if not row then
  error(string.format("customer %s is not a key account lost in %s (kam report churn --month %s lists them)",
    code, lib.month_text(month), lib.month_text(month)), 0)
end
local handled = type(policy.numbers.churn_handled_by) == "table" and policy.numbers.churn_handled_by[row.grade]
local follow = type(policy.numbers.churn_follow_up) == "table" and policy.numbers.churn_follow_up[opts.family]
if type(handled) ~= "string" then
  error(string.format("policy %s does not say who handles a lost account of grade %s (numbers.churn_handled_by)",
    policy.name, row.grade), 0)
end
if type(follow) ~= "string" then
  error(string.format("policy %s does not say what follows a %s cause (numbers.churn_follow_up)", policy.name,
    opts.family), 0)
end
local id
store.transaction(function()
  id = store.churn_cause_add { code = icode, month = month, family = opts.family, cause = opts.cause, grade = row.grade,
    policy = policy.name, handled_by = handled, follow_up = follow, recorded_by = kam.user, recorded_at = cli.now_utc() }
end)
if kam.output_json then
  print(json.encode({ id = id, code = code, month = lib.month_text(month), grade = row.grade, family = opts.family,
    cause = opts.cause, handled_by = handled, follow_up = follow }, { indent = 2 }))
else
  io.stderr:write(string.format("kam: customer %s (grade %s) lost in %s: %s cause recorded; handled by %s; then %s\n",
    code, row.grade, lib.month_text(month), opts.family, handled, follow))
end
return 0
