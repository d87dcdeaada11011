-- What the calendar scripts share: the slot they run for (KAM_SCHEDULE_SLOT, set by the
-- scheduler; the local date and time of the slot with its offset, so that a replayed or
-- late run works on the month it was meant for), month arithmetic, and the ledger check.
local M = {}

-- year, month, day of the slot (or of today, when run by hand).
function M.slot_date()
  local s = os.getenv("KAM_SCHEDULE_SLOT") or os.date("%Y-%m-%dT%H:%M:%S")
  local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  return tonumber(y), tonumber(m), tonumber(d)
end

function M.previous_month(y, m)
  if m == 1 then return y - 1, 12 end
  return y, m - 1
end

-- Whether the ledger holds month m of year y.
function M.ledger_has(y, m)
  for _, have in ipairs(kam.store.ledger_months(y)) do
    if have == m then return true end
  end
  return false
end

-- Say what a job could not do because its report does not exist yet.
function M.missing(what)
  print("missing: " .. what)
end

-- A word for the shell, quoted.
function M.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

return M
