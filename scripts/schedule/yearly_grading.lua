-- Yearly grading (January): grade the year just ended under the database's policy, with
-- kam grade (decisions appended, never changed).  A year without ledger rows is not
-- graded: the job fails saying which months to import.  Fewer than 12 months grades with
-- kam grade's own warning.
local common = require "common"
local y = common.slot_date()
local year = y - 1
local months = kam.store.ledger_months(year)
if #months == 0 then
  error(string.format("yearly grading: the ledger holds no month of %d: import it, then run kam grade --year %d",
    year, year), 0)
end
if #months < 12 then
  local have = {}
  for _, m in ipairs(months) do have[m] = true end
  local missing = {}
  for m = 1, 12 do if not have[m] then missing[#missing + 1] = string.format("%d-%02d", year, m) end end
  print("yearly grading: the ledger lacks " .. table.concat(missing, ", ") .. "; grading what it holds")
end
local kam_bin, db = os.getenv("KAM_BIN") or "kam", os.getenv("KAM_DB")
local cmd = common.quote(kam_bin) .. (db and (" --db " .. common.quote(db)) or "") ..
  " grade --year " .. year .. " 2>&1"
local p = assert(io.popen(cmd))
io.write(p:read("a"))
local ok, how, code = p:close()
if not ok then error(string.format("yearly grading of %d: kam grade ended with %s %s", year, how, code), 0) end
print(string.format("yearly grading: %d graded", year))
