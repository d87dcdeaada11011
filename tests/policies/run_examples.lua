-- kam run tests/policies/run_examples.lua POLICY.lua [-v]
--
-- Runs a policy's own examples (policy contract v1, "examples") in kam.sandbox with the
-- semantics of `kam policy test`: facts examples get the contract's default facts,
-- member() runs, then grade() when member() said true ("none" otherwise), and member /
-- grade / score / reason are compared; fn examples call P[fn](table.unpack(args)) and
-- compare the first result (deep equality).  Prints every failure with the example's
-- name, what was expected and what came back, then "N passed, N failed"; the exit status
-- is 1 when anything failed.  -v also lists the examples that passed.
--
-- Stricter than `kam policy test` where a policy could pass its examples and still go
-- wrong in production: facts of a group the policy's `needs` does not list are withheld
-- (as the host withholds them) and an example that sets one fails; the shape of the
-- policy table and of what member/grade return is checked (each problem one failure);
-- a score's integer/float kind is compared with its value (86 is not 86.0); example
-- names must be unique.  It also fills the business lines an example's by_line leaves
-- out with 0, and takes `reason` on fn examples: a substring of one of the results after
-- the first (check_override's message).

local path, flag = ...
if not path or (flag ~= nil and flag ~= "-v") then
  error("usage: kam run tests/policies/run_examples.lua POLICY.lua [-v]", 0)
end
local verbose = flag == "-v"

local FUNCTION = kam.sandbox.FUNCTION
local LINES = {"express", "logistics", "letters", "parcels", "savings", "billing", "philately",
               "newspapers", "same_city", "international", "freight", "forwarding"}
-- The fact groups a policy may list in `needs`, and the facts each brings.  The host hands
-- in only the groups listed (all of them when `needs` is absent); so does this runner.
-- (The host puts `lines` with by_line, first_month in a group "history" of its own, and
-- name, admin_code, industry, nature in "profile", volume in "volume".)
local GROUPS = {
  by_line = {"by_line", "december_by_line", "lines"},
  monthly = {"monthly"},
  bureau = {"rank_in_bureau", "bureau_agreement_customers", "bureau_revenue", "bureau_revenue_entered"},
  history = {"first_month"},
  profile = {"name", "admin_code", "industry", "nature"},
  volume = {"volume"},
}
local DEFAULTS = {
  year = 2025, revenue = 0, december = 0, volume = 0, lines = 0, agreement = false,
  place = "city", city = "测试市", bureau = "测试市", network_wide = false, one_time = false,
  bureau_agreement_customers = 0, bureau_revenue = 0, bureau_revenue_entered = true,
  code = "42010000001000", name = "示例客户",
  monthly = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
}

local function read_file(p)
  local f, err = io.open(p, "r")
  if not f then error(err, 0) end
  local text = f:read("a")
  f:close()
  return text
end

-- A value as Lua source, tables with sorted keys, so that expected and got read alike.
local function show(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    local s = string.format("%.14g", v)
    return s:find("[.eEn]") and s or s .. ".0"
  end
  if v == FUNCTION then return "<function>" end
  if t ~= "table" then return tostring(v) end
  if depth > 3 then return "{…}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  local parts = {}
  for _, k in ipairs(keys) do
    if math.type(k) == "integer" and k >= 1 and k <= #v then
      parts[#parts + 1] = show(v[k], depth + 1)
    else
      local key = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. show(k) .. "]"
      parts[#parts + 1] = key .. " = " .. show(v[k], depth + 1)
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then
    if type(a) == "number" and type(b) == "number" then
      return a == b and math.type(a) == math.type(b)
    end
    return a == b
  end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

local function is_array_of(t, kind)
  if type(t) ~= "table" then return false end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  if n ~= #t then return false end
  for _, v in ipairs(t) do if type(v) ~= kind then return false end end
  return true
end

-- ---- results --------------------------------------------------------------------------

local passed, failed = 0, 0

local function report(name, problems, extra)
  if #problems == 0 then
    passed = passed + 1
    if verbose then print("ok: " .. name) end
    return
  end
  failed = failed + 1
  print("FAIL: " .. name)
  for _, p in ipairs(problems) do print("  " .. p) end
  if extra then print("  " .. extra) end
end

-- ---- the policy table -----------------------------------------------------------------

local src = read_file(path)
local box <close> = kam.sandbox.open(src, path)
local P = box:module()

-- Problems with the policy table itself (contract v1), one failure each.
local function check_policy()
  local problems = {}
  local function need(cond, msg) if not cond then problems[#problems + 1] = msg end end
  if type(P) ~= "table" then return {"the policy returned " .. type(P) .. ", not a table"} end
  local base = path:match("([^/]+)%.lua$")
  need(type(P.name) == "string" and P.name:match("^[a-z0-9_-]+$") ~= nil, "name must match [a-z0-9_-]+")
  need(base == nil or P.name == base, string.format("name %s differs from the file's name %s", show(P.name), show(base)))
  need(type(P.title) == "string" and not P.title:find("\n"), "title must be one line")
  need(type(P.version) == "string", "version must be a string")
  need(is_array_of(P.grades, "string") and #P.grades > 0, "grades must be a non-empty list of strings")
  local known = {}
  for _, g in ipairs(type(P.grades) == "table" and P.grades or {}) do
    need(g ~= "none", "grades must not list \"none\"")
    need(not known[g], "grade " .. show(g) .. " listed twice")
    known[g] = true
  end
  if P.needs ~= nil then
    need(is_array_of(P.needs, "string"), "needs must be a list of strings")
    for _, g in ipairs(type(P.needs) == "table" and P.needs or {}) do
      need(GROUPS[g] ~= nil, "needs: unknown fact group " .. show(g))
    end
  end
  need(P.numbers == nil or type(P.numbers) == "table", "numbers must be a table")
  need(type(P.overrides) == "table", "overrides must be a table (may be empty)")
  for kind, o in pairs(type(P.overrides) == "table" and P.overrides or {}) do
    need(type(kind) == "string" and type(o) == "table", "overrides: each kind is a table under its name")
    if type(o) == "table" then
      need(type(o.title) == "string", "overrides." .. tostring(kind) .. ".title must be a string")
      need(is_array_of(o.grades, "string") and #o.grades > 0, "overrides." .. tostring(kind) .. ".grades must list grades")
      for _, g in ipairs(type(o.grades) == "table" and o.grades or {}) do
        need(known[g], "overrides." .. tostring(kind) .. ": grade " .. show(g) .. " is not one of the policy's grades")
      end
      need(type(o.needs_until) == "boolean", "overrides." .. tostring(kind) .. ".needs_until must be a boolean")
      need(type(o.approval) == "boolean", "overrides." .. tostring(kind) .. ".approval must be a boolean")
    end
  end
  need(P.member == FUNCTION, "member must be a function")
  need(P.grade == FUNCTION, "grade must be a function")
  need(P.check_override == nil or P.check_override == FUNCTION, "check_override must be a function")
  need(type(P.examples) == "table" and #P.examples > 0, "examples must be a non-empty list")
  return problems
end

local contract = check_policy()
for _, p in ipairs(contract) do report("policy table", {p}) end
if type(P) ~= "table" or type(P.examples) ~= "table" then
  print(string.format("%d passed, %d failed", passed, failed))
  box:close()
  os.exit(1)
end
local valid_grade = {none = true}
for _, g in ipairs(type(P.grades) == "table" and P.grades or {}) do valid_grade[g] = true end

-- fact -> the group it belongs to, for the groups the policy does not list.
local withheld = {}
if type(P.needs) == "table" then
  local listed = {}
  for _, g in ipairs(P.needs) do listed[g] = true end
  for g, facts in pairs(GROUPS) do
    if not listed[g] then
      for _, k in ipairs(facts) do withheld[k] = g end
    end
  end
end

-- ---- facts examples -------------------------------------------------------------------

local function with_defaults(facts, problems)
  local f = {}
  for k, v in pairs(facts) do
    if withheld[k] then
      problems[#problems + 1] = string.format("facts.%s belongs to the fact group %q, which the policy's needs "
                                              .. "do not list: the host would not hand it in", k, withheld[k])
    end
    f[k] = v
  end
  for k, v in pairs(DEFAULTS) do if f[k] == nil then f[k] = v end end
  for _, key in ipairs({"by_line", "december_by_line"}) do
    local t = {}
    for _, line in ipairs(LINES) do t[line] = 0 end
    for line, v in pairs(f[key] or {}) do
      if t[line] == nil then problems[#problems + 1] = "facts." .. key .. ": unknown business line " .. show(line) end
      t[line] = v
    end
    f[key] = t
  end
  for k in pairs(withheld) do f[k] = nil end
  return f
end

-- box:call for one item, every result; nil and the message when the policy raised.
local function call_all(b, fname, item, ctx)
  local ok, res = pcall(b.call, b, "*" .. fname, {item}, ctx)
  if not ok then return nil, tostring(res) end
  return res[1]
end

local function reasons_ok(r, what, problems)
  if not is_array_of(r, "string") then
    problems[#problems + 1] = what .. " must return a list of strings as its reasons, got " .. show(r)
    return {}
  end
  return r
end

local function run_facts(ex)
  local problems = {}
  local f = with_defaults(ex.facts, problems)
  local ctx = {year = f.year, as_of = string.format("%d-01-15", f.year + 1), policy = P.name}
  local res, err = call_all(box, "member", f, ctx)
  if not res then return report(ex.name, {"member raised: " .. err}) end
  local is_member = res[1]
  if type(is_member) ~= "boolean" then
    problems[#problems + 1] = "member must return a boolean first, got " .. show(is_member)
  end
  local all_reasons = {}
  for _, r in ipairs(reasons_ok(res[2], "member", problems)) do all_reasons[#all_reasons + 1] = r end

  local grade, score = "none", nil
  if is_member == true then
    res, err = call_all(box, "grade", f, ctx)
    if not res then return report(ex.name, {"grade raised: " .. err}) end
    grade, score = res[1], res[2]
    if grade == "none" or not valid_grade[grade] then
      problems[#problems + 1] = "grade returned " .. show(grade) .. ", not one of the policy's grades"
    end
    if score ~= nil and type(score) ~= "number" then
      problems[#problems + 1] = "grade returned a score that is no number: " .. show(score)
    end
    for _, r in ipairs(reasons_ok(res[3], "grade", problems)) do all_reasons[#all_reasons + 1] = r end
  end

  if ex.member ~= nil and ex.member ~= is_member then
    problems[#problems + 1] = string.format("member: expected %s, got %s", show(ex.member), show(is_member))
  end
  if ex.grade ~= nil and ex.grade ~= grade then
    problems[#problems + 1] = string.format("grade: expected %s, got %s", show(ex.grade), show(grade))
  end
  if ex.score ~= nil and not same(ex.score, score) then
    problems[#problems + 1] = string.format("score: expected %s, got %s", show(ex.score), show(score))
  end
  if ex.reason ~= nil then
    local found = false
    for _, r in ipairs(all_reasons) do
      if r:find(ex.reason, 1, true) then found = true break end
    end
    if not found then
      problems[#problems + 1] = "reason: expected one containing " .. show(ex.reason)
    end
  end
  local extra = #problems > 0 and ("reasons: " .. show(all_reasons)) or nil
  report(ex.name, problems, extra)
end

-- ---- fn examples ----------------------------------------------------------------------

local function run_fn(ex)
  if type(ex.fn) ~= "string" or type(ex.args) ~= "table" then
    return report(ex.name, {"an fn example needs fn (a string) and args (a table)"})
  end
  -- "+": the item is the list of arguments (its n, when given, counts them).
  local res, err = call_all(box, "+" .. ex.fn, ex.args)
  if not res then return report(ex.name, {ex.fn .. " raised: " .. err}) end
  local problems = {}
  if not same(ex.result, res[1]) then
    problems[#problems + 1] = string.format("%s: expected %s, got %s", ex.fn, show(ex.result), show(res[1]))
  end
  if ex.reason ~= nil then
    local found = false
    for i = 2, res.n do
      local v = res[i]
      local list = type(v) == "table" and v or {v}
      for _, s in ipairs(list) do
        if type(s) == "string" and s:find(ex.reason, 1, true) then found = true end
      end
    end
    if not found then
      problems[#problems + 1] = "reason: expected a later result containing " .. show(ex.reason)
    end
  end
  local extra
  if #problems > 0 and res.n > 1 then
    local rest = {}
    for i = 2, res.n do rest[#rest + 1] = show(res[i]) end
    extra = "other results: " .. table.concat(rest, ", ")
  end
  report(ex.name, problems, extra)
end

-- ---- run ------------------------------------------------------------------------------

local seen = {}
for i, ex in ipairs(P.examples) do
  local name = type(ex) == "table" and type(ex.name) == "string" and ex.name or ("example " .. i)
  if type(ex) ~= "table" then
    report(name, {"an example must be a table"})
  elseif seen[name] then
    report(name, {"two examples share this name (the first is example " .. seen[name] .. ")"})
  elseif ex.fn ~= nil then
    seen[name] = i
    run_fn(ex)
  elseif type(ex.facts) ~= "table" then
    seen[name] = i
    report(name, {"an example needs facts (a table) or fn"})
  elseif ex.member == nil and ex.grade == nil and ex.score == nil and ex.reason == nil then
    seen[name] = i
    report(name, {"the example expects nothing (give member, grade, score or reason)"})
  else
    seen[name] = i
    run_facts(ex)
  end
end

print(string.format("%d passed, %d failed", passed, failed))
box:close()
-- `kam run` takes no exit status from a script's result.
if failed > 0 then os.exit(1) end
