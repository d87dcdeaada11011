-- Helpers for report scripts (scripts/reports/*.lua): months, percentages, labels, the
-- key-account set.  Money is integer fen throughout; nothing here rounds money.
local M = {}

-- Months are YYYYMM integers.
function M.month_add(m, k)
  local i = (m // 100) * 12 + (m % 100 - 1) + k
  return (i // 12) * 100 + i % 12 + 1
end

function M.month_text(m)
  return string.format("%04d-%02d", m // 100, m % 100)
end

function M.month_zh(m)
  return string.format("%d年%d月", m // 100, m % 100)
end

-- Months from a to b inclusive, in order.
function M.months(a, b)
  local out, m = {}, a
  while m <= b do out[#out + 1] = m; m = M.month_add(m, 1) end
  return out
end

-- A change beyond pct percent: |now - base| * 100 > pct * |base|, in integers.  A zero
-- base with a nonzero now is beyond any threshold.
function M.beyond(now, base, pct)
  local d = now - base
  if d < 0 then d = -d end
  local b = base < 0 and -base or base
  if b == 0 then return d ~= 0 end
  return d * 100 > pct * b
end

-- The label in the report's language.
function M.labeler(lang)
  return function(zh, en) return lang == "en" and en or zh end
end

-- The key accounts of month m: customers whose current grade for the year before m's is
-- not "none" (DOMAIN §1).  Returns {[code] = grade}, the count and the year, or nil and
-- why when that year has no grades.
function M.key_accounts(store, m)
  local year = m // 100 - 1
  local grades = store.current_grades(year)
  local set, n, any = {}, 0, false
  for code, g in pairs(grades) do
    any = true
    if g.grade ~= "none" then set[code] = g.grade; n = n + 1 end
  end
  if not any then
    return nil, string.format("%d is not graded: the key accounts of %s are those graded for %d (kam grade --year %d)",
      year, M.month_text(m), year, year)
  end
  return set, n, year
end

-- Codes of a set as a sorted array.
function M.codes(set)
  local out = {}
  for code in pairs(set) do out[#out + 1] = code end
  table.sort(out)
  return out
end

return M
