-- Who is lost (DOMAIN §9), for the churn report and kam churn: a key account of month M
-- (graded for the year before, not "none") with no revenue (a sum on the policy's lines
-- above zero) in each of the last churn_months months up to M.
local M = {}

-- The lost key accounts of month: an array of {code (integer), grade, last (YYYYMM of the
-- last month with revenue in 24, or nil), amount (its revenue), new (true: revenue in the
-- month before the window, so the loss shows this month)}, and the number of key
-- accounts and their year; or nil and why.
function M.lost(store, lib, policy, month)
  local k = policy.numbers.churn_months
  if math.type(k) ~= "integer" or k < 1 or k > 23 then
    return nil, string.format("policy %s sets no churn_months (numbers.churn_months, 1 to 23)", policy.name)
  end
  local key, nkey, key_year = lib.key_accounts(store, month)
  if not key then return nil, nkey end
  local months = lib.months(lib.month_add(month, -23), month)
  local windows = {}
  for i, m in ipairs(months) do windows[i] = { m, m } end
  local by_code = store.revenue { lines = policy.revenue_lines, windows = windows }
  local n, rows = #months, {}
  for code, g in pairs(key) do
    local r = by_code[code]
    local quiet = true
    for i = n - k + 1, n do if r and r[i] > 0 then quiet = false end end
    if quiet then
      local last, amount
      for i = n - k, 1, -1 do
        if r and r[i] > 0 then last, amount = months[i], r[i]; break end
      end
      rows[#rows + 1] = { code = code, grade = g, last = last, amount = amount, new = (r and r[n - k] > 0) or false }
    end
  end
  table.sort(rows, function(a, b)
    if (a.amount or 0) ~= (b.amount or 0) then return (a.amount or 0) > (b.amount or 0) end
    return a.code < b.code
  end)
  return rows, nkey, key_year
end

return M
