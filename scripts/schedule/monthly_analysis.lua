-- Monthly analysis (the 1st): the month just ended.  The analysis report itself (DOMAIN §8:
-- revenue and share, gains and losses, per grade, fluctuations over 30 %, top accounts)
-- comes with the reports issue; until then the job checks what the report will need and
-- says what is missing.
local common = require "common"
local y, m = common.previous_month(common.slot_date())
if common.ledger_has(y, m) then
  print(string.format("monthly analysis %d-%02d: the ledger holds the month", y, m))
else
  print(string.format("monthly analysis %d-%02d: the ledger does not hold the month yet: import it", y, m))
end
common.missing(string.format("the monthly analysis report for %d-%02d (no report script exists yet); nothing was written", y, m))
