-- The Hubei logistics form (附表3), due by the policy's logistics_report_day for the month
-- before (DOMAIN §8).  The form is a report the reports issue brings; until then the job
-- checks the month is in the ledger and says what is missing.
local common = require "common"
local y, m = common.previous_month(common.slot_date())
if common.ledger_has(y, m) then
  print(string.format("logistics form %d-%02d: the ledger holds the month", y, m))
else
  print(string.format("logistics form %d-%02d: the ledger does not hold the month: import it before the form is due", y, m))
end
common.missing(string.format("the logistics form report for %d-%02d (no report script exists yet); nothing was filed", y, m))
