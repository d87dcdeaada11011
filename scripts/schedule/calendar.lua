-- The calendar of a key-account center, as scheduled jobs (kam init --with-schedule runs
-- this with its own directory as argument; kam run scripts/schedule/calendar.lua DIR too).
-- Each job runs one script of this directory; a job of the same name is left as it is.
-- Returns how many jobs it added.
--
-- The days come from DOMAIN §8 and the policy: the logistics form is due by the policy's
-- logistics_report_day (Hubei: the 5th), so it is prepared on that day's morning (a day
-- the policy does not carry means the policy files no such form: no job).  The hours are
-- ours (the seeds give none): early morning, before staff arrive, one job an hour apart.
local dir = ...
dir = dir or (arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")) or "."

local numbers = {}
do
  local ok, pol = pcall(kam.grading.policy, kam.policy)
  if ok then
    local info = pol:info()
    numbers = info.module and info.module.numbers or {}
    pol:close()
  end
end

local jobs = {
  -- Grading once a year, in January, for the year just ended (DOMAIN §1: "last year" is
  -- the year graded).  The 10th: December's ledger arrives with the city summaries, due
  -- by the 5th (DOMAIN §8), so it is in by then.
  { name = "yearly-grading", cron = "0 3 10 1 *", script = "yearly_grading.lua" },
  -- The monthly analysis of the month just ended, on the 1st.
  { name = "monthly-analysis", cron = "0 4 1 * *", script = "monthly_analysis.lua" },
  -- A morning reminder of what is due; the argument is how many days ahead it looks
  -- (7: our choice, a week; no seed gives one).
  { name = "daily-reminder", cron = "0 7 * * *", script = "daily_reminder.lua", args = { "7" } },
}
local day = numbers.logistics_report_day
if type(day) == "number" and day >= 1 and day <= 28 then
  jobs[#jobs + 1] = { name = "logistics-form", cron = string.format("0 5 %d * *", day),
                      script = "logistics_form.lua" }
end

local added = 0
for _, j in ipairs(jobs) do
  if kam.store.schedule_add { name = j.name, cron = j.cron, script = dir .. "/" .. j.script,
                              args = j.args, catchup = "once" } then
    added = added + 1
  end
end
return added
