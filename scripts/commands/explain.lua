-- kam explain CODE [--year Y] [--as-of DATE]: a customer's grade decision with the facts
-- it came from, the rules that fired, the policy version, and any override.
local cli = require "common.cli"
local store, grading, json = kam.store, kam.grading, kam.json

local USAGE = [[
usage: kam explain CODE [--year Y] [--as-of DATE]
The grade of customer CODE for year Y (default: last year): the facts the policy saw,
the stored decision (rules that fired, policy name, version and hash, when and by whom),
what the policy decides now, and the customer's overrides.  --json prints one document.
]]

local opts, operands = cli.parse({ ... }, { year = "value", ["as-of"] = "value", help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help then io.write(USAGE) return 0 end
if #operands ~= 1 then return cli.usage_error("explain needs one customer code", USAGE) end
local code, err = cli.check_code(operands[1])
if not code then return cli.usage_error(err, USAGE) end
local year = cli.last_year()
if opts.year then
  year, err = cli.check_year(opts.year)
  if not year then return cli.usage_error(err, USAGE) end
end
local as_of = cli.today()
if opts["as-of"] then
  as_of, err = cli.check_date(opts["as-of"])
  if not as_of then return cli.usage_error(err, USAGE) end
end

local icode = math.tointeger(tonumber(code))
if not store.customer_exists(icode) then
  error("no customer " .. code, 0)
end

local policy <close> = grading.policy(kam.policy)
local info = policy:info()
local facts = grading.facts(year, code, policy, as_of)   -- revenue on the policy's revenue lines
local now = grading.evaluate(policy, year, code, as_of)
now.reasons = json.decode(now.reasons_json)
now.labels = now.labels_json and json.decode(now.labels_json) or nil
now.reasons_json, now.labels_json = nil, nil
now.policy, now.policy_version, now.policy_hash = info.name, info.version, info.hash

local stored = store.latest_decision(icode, year)
if stored then
  stored.reasons = json.decode(stored.reasons)
  if stored.labels then stored.labels = json.decode(stored.labels) end
end

local overrides = store.overrides_of(icode)
for _, o in ipairs(overrides) do
  o.code = nil -- the customer explained
  if o.revoked_at then
    o.state = "revoked"
  elseif o.policy ~= info.name then
    o.state = "other policy"
  elseif o.valid_from > as_of then
    o.state = "not yet valid"
  elseif o.valid_until and o.valid_until < as_of then
    o.state = "lapsed"
  else
    o.state = "valid"
  end
end

if kam.output_json then
  print(json.encode({ code = code, year = year, as_of = as_of, facts = facts, stored = stored or json.null,
                      now = now, overrides = json.array(overrides) }, { indent = 2 }))
  return 0
end

local function yesno(b) return b and "yes" or "no" end
local y = cli.yuan
print(string.format("customer %s %s", code, facts.name or ""))
print(string.format("  place %s, city %s%s, bureau %s", facts.place, facts.city or "-",
  facts.county and (", county " .. facts.county) or "", facts.bureau))
print(string.format("  agreement %s%s, important %s, potential %s, network-wide %s, one-time %s",
  yesno(facts.agreement), facts.account and (" (" .. facts.account .. ")") or "",
  facts.important or "-", facts.potential or "-", yesno(facts.network_wide), yesno(facts.one_time)))
print(string.format("facts for %d:", year))
print(string.format("  revenue %s, December %s%s, volume %d, %d business line%s", y(facts.revenue),
  y(facts.december), #info.revenue_lines < #grading.lines and (" (on " .. table.concat(info.revenue_lines, ", ") .. ")") or "",
  facts.volume, facts.lines, facts.lines == 1 and "" or "s"))
local lines = {}
for name, fen in pairs(facts.by_line) do
  if fen ~= 0 then lines[#lines + 1] = string.format("%s %s", name, y(fen)) end
end
table.sort(lines)
if #lines > 0 then print("  by line: " .. table.concat(lines, ", ")) end
if facts.bureau == nil then
  print("  bureau unknown (no city, or no county in a county): ranked nowhere")
else
print(string.format("  bureau %s: %s; %d agreement customers; bureau revenue %s (%s)", facts.bureau,
  facts.rank_in_bureau and ("rank " .. facts.rank_in_bureau .. " among its agreement customers")
    or "no rank (no agreement, or no revenue above zero)",
  facts.bureau_agreement_customers, y(facts.bureau_revenue),
  facts.bureau_revenue_entered and "entered by the center" or "the ledger's total stood in: none entered"))
if facts.city_revenue ~= nil and facts.city and facts.city ~= facts.bureau then
  -- A county's customer: its city bureau's revenue is a fact too (its counties included).
  print(string.format("  city bureau %s: revenue %s (%s)", facts.city, y(facts.city_revenue),
    facts.city_revenue_entered and "entered by the center" or "the ledger's total stood in: none entered"))
end
end

local function show(title, d)
  print(title)
  print(string.format("  grade %s%s%s", d.grade, d.grade ~= d.computed and (" (computed " .. d.computed .. ", overridden)") or "",
    d.score and string.format(", score %.15g", d.score) or ""))
  print(string.format("  policy %s %s (sha256 %s)", d.policy, d.policy_version, d.policy_hash))
  if d.labels then
    local shown = {}
    for k, v in pairs(d.labels) do shown[#shown + 1] = k .. " " .. v end
    table.sort(shown)
    print("  labels: " .. table.concat(shown, ", "))
  end
  print("  rules that fired:")
  for _, r in ipairs(d.reasons) do print("    - " .. r) end
end

if stored then
  show(string.format("decision for %d (stored: run #%d, decided %s by %s, overrides as of %s):", year, stored.run,
    stored.decided_at, stored.decided_by, stored.as_of), stored)
else
  print(string.format("no stored decision for %d (kam grade --year %d records one)", year, year))
end
show(string.format("what %s %s decides now (as of %s, nothing written):", info.name, info.version, as_of), now)
if stored and (stored.grade ~= now.grade or stored.policy_hash ~= now.policy_hash) then
  print(string.format("  note: differs from the stored decision (%s%s)", stored.grade ~= now.grade and "grade" or "",
    stored.policy_hash ~= now.policy_hash and ((stored.grade ~= now.grade and ", " or "") .. "policy source") or ""))
end
if #overrides > 0 then
  print("overrides:")
  for _, o in ipairs(overrides) do
    print(string.format("  #%d %s (%s) grade %s, %s..%s, by %s%s: %s [%s]", o.id, o.kind, o.policy, o.grade,
      o.valid_from, o.valid_until or "", o.created_by, o.approved_by and (", approved by " .. o.approved_by) or "",
      o.reason, o.state))
    if o.revoked_at then
      print(string.format("    revoked %s by %s: %s", o.revoked_at, o.revoked_by or "?", o.revoke_reason or ""))
    end
  end
end
return 0
