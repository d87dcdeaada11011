-- kam policy list | show [NAME] | check FILE | test [NAME]
local cli = require "common.cli"
local grading, json = kam.grading, kam.json

local USAGE = [[
usage: kam policy list
       kam policy show [NAME|FILE]
       kam policy check FILE
       kam policy test [NAME|FILE]
list    the policies kam can find, the default one marked with '*'
show    a policy's name, version, hash, grades, numbers and override kinds
check   load a file in the sandbox and report what breaks the contract (a missing
        function, a wrong grade list, a forbidden call) with line numbers, and run its
        examples under the checks grading applies
test    run a policy's own examples through the grading contract check, in the sandbox
        (a policy that changes ctx, its tables or its upvalues fails); prints
        "N passed, N failed"
With --json, check and test print one JSON document (failures included).
]]

local args = { ... }
local sub = cli.subcommand(args)
local opts, operands = cli.parse(args, { help = "flag" }, USAGE)
if not opts then return 2 end
if opts.help or sub == "--help" or sub == "-h" then io.write(USAGE) return 0 end

-- A policy is named (letters, digits, '_', '-') or given as a .lua file.
local function check_spec(spec)
  if spec and not spec:find("/") and not spec:match("%.lua$") and not spec:match("^[a-z0-9_%-]+$") then
    return nil, string.format("'%s' is not a policy name (lowercase letters, digits, '_' and '-') or a .lua file", spec)
  end
  return spec
end

local function default_name()
  if kam.policy then return kam.policy end
  local ok, name = pcall(kam.store.meta, "policy")
  return ok and name or "hubei"
end

-- Deep equality, for examples' expected results.
local function same(a, b)
  if type(a) ~= type(b) then
    if type(a) == "number" and type(b) == "number" then return a == b end
    return false
  end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if k ~= "n" and not same(v, b[k]) then return false end end
  for k in pairs(b) do if k ~= "n" and a[k] == nil then return false end end
  return true
end

local function show_value(v)
  if type(v) == "table" then
    local ok, s = pcall(json.encode, v, { sort_keys = true })
    return ok and s or tostring(v)
  end
  return tostring(v)
end

-- The example defaults of the contract (README, "Writing a policy").  A group of facts
-- the policy does not list in `needs` is withheld, as grading withholds it.  The lines
-- and the groups are the host's own lists (kam.grading.lines, kam.grading.groups).
local LINES, GROUPS = grading.lines, grading.groups
local function with_defaults(f, needs)
  f = f or {}
  local listed = {}
  for _, g in ipairs(needs) do listed[g] = true end
  for g, keys in pairs(GROUPS) do
    for _, k in ipairs(keys) do
      if not listed[g] and f[k] ~= nil then
        return nil, string.format("the example sets '%s', a fact of group '%s', which the policy's needs do not list", k, g)
      end
    end
  end
  local d = { year = 2025, revenue = 0, december = 0, agreement = false,
              place = "city", city = "测试市", bureau = "测试市", network_wide = false, one_time = false,
              code = "42010000001000" }
  if listed.profile then d.name = "示例客户" end
  if listed.volume then d.volume = 0 end
  if listed.by_line then d.lines = 0 end
  if listed.bureau then
    d.bureau_agreement_customers, d.bureau_revenue, d.bureau_revenue_entered = 0, 0, true
    d.city_revenue, d.city_revenue_entered = 0, true
  end
  local out = {}
  for k, v in pairs(d) do out[k] = v end
  for k, v in pairs(f) do out[k] = v end
  if listed.by_line then
    local known = {}
    for _, l in ipairs(LINES) do known[l] = true end
    for _, key in ipairs { "by_line", "december_by_line" } do
      local t = {}
      for _, l in ipairs(LINES) do t[l] = 0 end
      for l, v in pairs(f[key] or {}) do
        if not known[l] then return nil, string.format("facts.%s: '%s' is not a business line", key, tostring(l)) end
        t[l] = v
      end
      out[key] = t
    end
  end
  if listed.monthly then
    local m = {}
    for i = 1, 12 do m[i] = (f.monthly or {})[i] or 0 end
    out.monthly = m
  end
  return out
end

-- What is wrong with an example before it runs, or nil.
local function malformed(ex, seen, i)
  if type(ex) ~= "table" then return "an example must be a table" end
  local name = type(ex.name) == "string" and ex.name or nil
  if name and seen[name] then return "two examples share this name (the first is example " .. seen[name] .. ")" end
  if name then seen[name] = i end
  if ex.fn ~= nil then
    if type(ex.fn) ~= "string" then return "fn must name a function of the policy" end
    return nil
  end
  if type(ex.facts) ~= "table" then return "an example needs facts (a table) or fn" end
  if ex.member == nil and ex.grade == nil and ex.score == nil and ex.reason == nil and ex.labels == nil then
    return "the example expects nothing (give member, grade, score, reason or labels)"
  end
  return nil
end

-- Every example of the policy spec, through the host as grading runs it: member() and
-- grade() by the grading contract check (pol:decide), in the sandbox with its purity
-- checks (read-only ctx and module tables, upvalues compared after each call).
-- Returns {policy =, version =, path =, passed =, failed =, examples = {{...}}}.
local function run_examples(pol)
  local info = pol:info()
  local examples = info.module.examples
  local r = { policy = info.name, version = info.version, path = info.path, passed = 0, failed = 0, examples = {} }
  if type(examples) ~= "table" or #examples == 0 then
    r.error = info.path .. ": the policy has no examples"
    return r
  end
  local seen = {}
  for i, ex in ipairs(examples) do
    local item = { index = i, name = type(ex) == "table" and type(ex.name) == "string" and ex.name or nil, ok = false }
    r.examples[#r.examples + 1] = item
    local function fail(what, want, got)
      item.message = string.format("%s: expected %s, got %s", what, show_value(want), show_value(got))
    end
    local why = malformed(ex, seen, i)
    if why then
      item.message = why
    else
      local ok, err = pcall(function()
        local ctx = { year = (ex.facts and ex.facts.year) or 2025, as_of = "2026-01-15", policy = info.name }
        if ex.fn then
          local res = pol:call("+" .. ex.fn, { ex.args or {} })[1]
          if not same(res[1], ex.result) then return fail(ex.fn, ex.result, res[1]) end
          if ex.reason ~= nil then
            local found = false
            for k = 2, res.n or #res do
              if type(res[k]) == "string" and res[k]:find(ex.reason, 1, true) then found = true end
            end
            if not found then return fail("reason", ex.reason, res[2]) end
          end
          item.ok = true
          return
        end
        local f, bad = with_defaults(ex.facts, info.needs)
        if not f then item.message = bad return end
        local d = pol:decide(f, ctx)
        local reasons = json.decode(d.reasons_json)
        item.reasons = reasons
        if ex.member ~= nil and ex.member ~= d.member then return fail("member", ex.member, d.member) end
        if ex.grade ~= nil and ex.grade ~= d.grade then return fail("grade", ex.grade, d.grade) end
        if ex.score ~= nil and not same(ex.score, d.score) then return fail("score", ex.score, d.score) end
        if ex.score ~= nil and math.type(ex.score) ~= math.type(d.score) then return fail("score", ex.score, d.score) end
        if ex.reason ~= nil then
          local found = false
          for _, text in ipairs(reasons) do if text:find(ex.reason, 1, true) then found = true end end
          if not found then return fail("reason", ex.reason, reasons) end
        end
        if ex.labels ~= nil then
          local labels = d.labels_json and json.decode(d.labels_json) or {}
          if not same(labels, ex.labels) then return fail("labels", ex.labels, labels) end
        end
        item.ok = true
      end)
      if not ok then item.message = (tostring(err):gsub("\nstack traceback:.*", "")) end
    end
    if item.ok then r.passed = r.passed + 1 else r.failed = r.failed + 1 end
  end
  return r
end

local function example_label(r, e)
  return string.format("%s example %d%s", r.policy, e.index, e.name and (" (" .. e.name .. ")") or "")
end

local function run_tests(spec)
  local pol <close> = grading.policy(spec)
  local r = run_examples(pol)
  if kam.output_json then
    print(json.encode({ policy = r.policy, version = r.version, path = r.path, passed = r.passed, failed = r.failed,
      error = r.error, examples = json.array(r.examples) }, { indent = 2, sort_keys = true }))
    return (r.error or r.failed > 0) and 1 or 0
  end
  if r.error then
    io.stderr:write("kam: ", r.error, "\n")
    print("0 passed, 0 failed")
    return 1
  end
  for _, e in ipairs(r.examples) do
    if not e.ok then print(string.format("FAIL %s: %s", example_label(r, e), e.message or "?")) end
  end
  print(string.format("%s %s: %d passed, %d failed", r.policy, r.version, r.passed, r.failed))
  return r.failed == 0 and 0 or 1
end

local function numbers_lines(t, indent, out)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "table" then
      out[#out + 1] = string.format("%s%s:", indent, tostring(k))
      numbers_lines(v, indent .. "  ", out)
    elseif v ~= kam.sandbox.FUNCTION then
      out[#out + 1] = string.format("%s%s = %s", indent, tostring(k), tostring(v))
    end
  end
  return out
end

if sub == "list" then
  if #operands > 0 then return cli.usage_error("policy list takes no arguments", USAGE) end
  local default = default_name()
  local rows = {}
  for _, f in ipairs(grading.policy_files()) do
    local ok, pol = pcall(grading.policy, f.path)
    local row = { default = f.name == default and "*" or "", name = f.name, path = f.path }
    if ok then
      local info = pol:info()
      row.version, row.title, row.grades = info.version, info.title or "", table.concat(info.grades, " ")
      pol:close()
    else
      row.version, row.title, row.grades = "?", "broken: " .. tostring(pol):gsub("\n.*", ""), ""
    end
    rows[#rows + 1] = row
  end
  if kam.output_json then print(json.encode(json.array(rows), { indent = 2 })) return 0 end
  cli.table(rows, { columns = { "default", "name", "version", "grades", "title" },
                    labels = { default = "", name = "name", version = "version", grades = "grades", title = "title" } })
  return 0
elseif sub == "show" then
  if #operands > 1 then return cli.usage_error("policy show takes one policy", USAGE) end
  local spec, why = check_spec(operands[1])
  if operands[1] and not spec then return cli.usage_error(why, USAGE) end
  local pol <close> = grading.policy(operands[1] or default_name())
  local info = pol:info()
  local m = info.module
  if kam.output_json then
    local numbers = m.numbers
    print(json.encode({ name = info.name, version = info.version, title = info.title, path = info.path,
      hash = info.hash, grades = info.grades, needs = json.array(info.needs), revenue_lines = info.revenue_lines,
      overrides = json.object(info.overrides),
      numbers = type(numbers) == "table" and numbers or json.null,
      examples = type(m.examples) == "table" and #m.examples or 0 }, { indent = 2 }))
    return 0
  end
  print(string.format("%s %s — %s", info.name, info.version, info.title or ""))
  print("  file     " .. info.path)
  print("  sha256   " .. info.hash)
  print("  grades   " .. table.concat(info.grades, ", ") .. " (best first; none = not a key account)")
  print("  facts    basic" .. (#info.needs > 0 and (", " .. table.concat(info.needs, ", ")) or ""))
  print("  revenue  " .. (#info.revenue_lines == #grading.lines and "every line"
    or table.concat(info.revenue_lines, ", ")))
  local kinds = {}
  for k, o in pairs(info.overrides) do
    kinds[#kinds + 1] = string.format("%s%s (grades %s%s%s%s)", k, o.title and (" " .. o.title) or "",
      table.concat(o.grades, "/"), o.needs_until and ", needs an end date" or "", o.approval and ", needs an approver" or "",
      o.only_raises and ", only raises" or "")
  end
  table.sort(kinds)
  print("  overrides " .. (#kinds > 0 and table.concat(kinds, "; ") or "none"))
  print(string.format("  examples %d", type(m.examples) == "table" and #m.examples or 0))
  if type(m.numbers) == "table" then
    print("  numbers:")
    for _, l in ipairs(numbers_lines(m.numbers, "    ", {})) do print(l) end
  end
  return 0
elseif sub == "check" then
  if #operands ~= 1 then return cli.usage_error("policy check needs one FILE", USAGE) end
  local path = operands[1]
  local fh, err = io.open(path, "rb")
  if not fh then error(err, 0) end
  local src = fh:read("a")
  fh:close()
  -- The lint, the contract, then the examples under the same checks as grading.
  local problems = grading.lint(path, src)
  local ok, pol = pcall(grading.policy, path:find("/") and path or ("./" .. path))
  local r
  if not ok then
    problems[#problems + 1] = (tostring(pol):gsub("\nstack traceback:.*", ""))
  else
    r = run_examples(pol)
    for _, e in ipairs(r.examples) do
      if not e.ok then problems[#problems + 1] = string.format("%s: %s: %s", path, example_label(r, e), e.message or "?") end
    end
  end
  local info = ok and pol:info() or nil
  if kam.output_json then
    print(json.encode({ path = path, ok = #problems == 0, problems = json.array(problems),
      policy = info and info.name or json.null, version = info and info.version or json.null,
      grades = info and info.grades or json.null,
      examples = r and #r.examples or 0, passed = r and r.passed or 0, failed = r and r.failed or 0 },
      { indent = 2, sort_keys = true }))
    if ok then pol:close() end
    return #problems > 0 and 1 or 0
  end
  for _, p in ipairs(problems) do io.stderr:write("kam: ", p, "\n") end
  if #problems > 0 then
    io.stderr:write(string.format("kam: %s: %d problem%s\n", path, #problems, #problems == 1 and "" or "s"))
    if ok then pol:close() end
    return 1
  end
  print(string.format("%s: ok (%s %s, %d grades, %d examples pass)", path, info.name, info.version, #info.grades,
    r.passed))
  pol:close()
  return 0
elseif sub == "test" then
  if #operands > 1 then return cli.usage_error("policy test takes one policy", USAGE) end
  local spec, why = check_spec(operands[1])
  if operands[1] and not spec then return cli.usage_error(why, USAGE) end
  return run_tests(operands[1] or default_name())
else
  return cli.usage_error(sub and ("unknown policy subcommand '" .. sub .. "'") or "policy needs a subcommand", USAGE)
end
