-- The day a money report is "on": the last day of --month, or today when the month is
-- this one (what is pending or overdue is a question about a day, not a month).
local money = require "common.money"
local M = {}

function M.day_of(lib, month)
  local last = money.add_days(string.format("%04d-%02d-01", lib.month_add(month, 1) // 100,
    lib.month_add(month, 1) % 100), -1)
  local today = money.today()
  return today < last and today >= string.format("%04d-%02d-01", month // 100, month % 100) and today or last
end

return M
