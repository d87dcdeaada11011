#!/usr/bin/env bash
# The center's calendar: kam init --with-schedule adds the jobs of
# scripts/schedule/calendar.lua (yearly grading in January, the monthly analysis on the
# 1st, the logistics form on the policy's filing day, a daily reminder), once; each runs
# what exists and says what is missing (the reports do not exist yet).  The yearly
# grading job grades the year before its slot through kam grade.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
S="$TOP/scripts/schedule"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
k() { run kam --db "$DB" "$@"; }

k init --policy hubei --timezone Asia/Shanghai --with-schedule
status_is 0 "init --with-schedule"
like "$err" "4 calendar jobs added" "says how many jobs it added"
is "$(q "SELECT group_concat(name || ' ' || cron, ';') FROM (SELECT name, cron FROM schedule_jobs ORDER BY name)")" \
  "daily-reminder 0 7 * * *;logistics-form 0 5 5 * *;monthly-analysis 0 4 1 * *;yearly-grading 0 3 10 1 *" \
  "yearly grading in January, the analysis on the 1st, Hubei's form on its 5th, a daily reminder"
is "$(q "SELECT DISTINCT timezone FROM schedule_jobs")" "Asia/Shanghai" "in the database's zone"
run kam --json --db "$DB" init --with-schedule
like "$out" '"jobs_added": 0' "a second init --with-schedule adds nothing"
k init --policy shantou --with-schedule
is "$(q "SELECT count(*) FROM schedule_jobs")" "4" "jobs of the same name are left as they are"
k init --policy hubei

k import customers "$F/hubei_customers.csv"
k import ledger "$F/hubei_ledger.csv"
status_is 0 "the hubei fixture"

# The calendar jobs were added now (real time): their first slots are after it.  Replay
# the same scripts on the fixture's dates with jobs of their own.
k schedule add --now 2026-01-31T00:00+08:00 analysis '0 4 1 * *' "$S/monthly_analysis.lua"
k schedule add --now 2026-01-31T00:00+08:00 form '0 5 5 * *' "$S/logistics_form.lua"
k schedule add --now 2026-01-31T00:00+08:00 remind '0 7 * * *' "$S/daily_reminder.lua" 7
k schedule add --now 2026-01-01T00:00+08:00 grading '0 3 10 1 *' "$S/yearly_grading.lua"
k schedule add --now 2027-12-31T00:00+08:00 grading-next '0 3 10 1 *' "$S/yearly_grading.lua"

k schedule run-due --now 2026-01-10T03:00+08:00
is "$(q "SELECT status FROM schedule_runs WHERE job = 'grading'")" "ok" "the yearly grading job ran"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'grading'")" "the ledger lacks 2025-02" "saying which months the ledger lacks"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'grading'")" "2025 graded" "and that it graded 2025"
[ "$(q "SELECT count(*) FROM grading_runs WHERE year = 2025")" -ge 1 ] && ok "a grading run of 2025 is stored" ||
  nok "a grading run of 2025 is stored"

k schedule run-due --now 2026-02-05T07:00+08:00
is "$(q "SELECT status FROM schedule_runs WHERE job = 'analysis'")" "ok" "the monthly analysis job ran"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'analysis'")" "monthly analysis 2026-01: the ledger holds the month" \
  "for the month before its slot, found in the ledger"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'analysis'")" "missing: the monthly analysis report for 2026-01" \
  "saying what is missing"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'form'")" "logistics form 2026-01: the ledger holds the month" \
  "the logistics form job checks its month"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'form'")" "missing: the logistics form report" "and says what is missing"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'remind'")" "reminder for 2026-02-05 (the next 7 days)" "the reminder ran for its day"
like "$(q "SELECT output FROM schedule_runs WHERE job = 'remind'")" "logistics form for 2026-01 due 2026-02-05 (0 days)" \
  "naming the form due that day"

k schedule run-due --now 2028-01-10T03:00+08:00
is "$(q "SELECT status FROM schedule_runs WHERE job = 'grading-next'")" "failed" "grading a year without ledger rows fails"
like "$(q "SELECT error FROM schedule_runs WHERE job = 'grading-next'")" "the ledger holds no month of 2027: import it" \
  "saying what to import"

done_testing
