#!/usr/bin/env bash
# A simulated month: kam schedule run-due --now stepped every 15 minutes over the 31 days
# of March 2026 (Asia/Shanghai), jobs with catchup=all, gives each job exactly the runs
# its expression names: checked against an independent expansion written here in Python
# (its own field parser, cron's day-of-month OR day-of-week rule, zoneinfo), never against
# kam's own cron code.
source "$(dirname "$0")/lib.sh"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
k() { run kam --db "$DB" "$@"; }

cat >mark.lua <<'EOF'
local f = assert(io.open(..., "a"))
f:write(os.getenv("KAM_SCHEDULE_JOB"), " ", os.getenv("KAM_SCHEDULE_SLOT"), "\n")
f:close()
EOF
# name|expression: weekdays twice, two days of the month, every night at 03:17, Fridays
# or the 13th, the month's last days, every quarter hour of Monday's 08:00 hour, names.
cat >jobs.txt <<'EOF'
weekdays|0 9,14 * * mon-fri
halfmonth|0 0 1,15 * *
nightly|17 3 * * *
friday13|0 12 13 * fri
monthend|5 23 28-31 * *
monday|*/15 8 * * 1
names|30 18 * MAR sat,SUN
EOF

k init --timezone Asia/Shanghai
while IFS='|' read -r name expr; do
  k schedule add --now 2026-02-28T23:59:59+08:00 --catchup all "$name" "$expr" mark.lua "$T/marks.txt"
  [ "$status" = 0 ] || nok "add $name" "$err"
done <jobs.txt

# The steps: every 15 minutes from 2026-03-01T00:00+08:00 to 2026-04-01T00:00+08:00.
python3 - >steps.txt <<'EOF'
from datetime import datetime, timedelta
t = datetime(2026, 3, 1, 0, 0)
while t <= datetime(2026, 4, 1, 0, 0):
    print(t.strftime("%Y-%m-%dT%H:%M:00+08:00"))
    t += timedelta(minutes=15)
EOF
is "$(wc -l <steps.txt | tr -d ' ')" "2977" "2977 steps of 15 minutes"
bad=0
while read -r now; do
  "$KAM" --db "$DB" schedule run-due --now "$now" >/dev/null 2>>rundue.err || bad=$((bad + 1))
done <steps.txt
is "$bad" "0" "every run-due succeeded"

# The independent expansion: every minute of the month, matched field by field.
python3 - jobs.txt >want.txt <<'EOF'
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
MON = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DOW = "sun mon tue wed thu fri sat".split()
def field(text, lo, hi, names=None):
    out = set()
    for item in text.split(","):
        step = 1
        if "/" in item:
            item, s = item.split("/"); step = int(s)
        def val(v):
            v = v.lower()
            if names and v in names: return names.index(v) + (lo if names is MON else 0)
            return int(v)
        if item == "*": a, b = lo, hi
        elif "-" in item: a, b = map(val, item.split("-"))
        else: a = b = val(item)
        out |= set(range(a, b + 1, step))
    return out
tz = ZoneInfo("Asia/Shanghai")
for line in open(sys.argv[1]):
    name, expr = line.rstrip("\n").split("|")
    f = expr.split()
    mins, hours = field(f[0], 0, 59), field(f[1], 0, 23)
    doms, months = field(f[2], 1, 31), field(f[3], 1, 12, MON)
    dows = {d % 7 for d in field(f[4], 0, 7, DOW)}
    t = datetime(2026, 3, 1, 0, 0, tzinfo=tz)
    while t <= datetime(2026, 4, 1, 0, 0, tzinfo=tz):
        dom_ok, dow_ok = t.day in doms, (t.weekday() + 1) % 7 in dows
        day_ok = (dom_ok and dow_ok) if f[2].startswith("*") or f[4].startswith("*") else (dom_ok or dow_ok)
        if t.minute in mins and t.hour in hours and t.month in months and day_ok:
            print(name, t.strftime("%Y-%m-%dT%H:%M:%S+08:00"))
        t += timedelta(minutes=1)
EOF
sort want.txt >want.sorted
sort marks.txt >got.sorted
n=$(wc -l <want.sorted | tr -d ' ')
[ "$n" -gt 100 ] && ok "the expansion names $n runs" || nok "the expansion names runs" "$n"
if cmp -s want.sorted got.sorted; then ok "each job ran exactly the slots its expression names"
else nok "each job ran exactly the slots its expression names" "$(diff want.sorted got.sorted | head -20)"; fi
is "$(q "SELECT count(*) FROM schedule_runs WHERE status = 'ok'")" "$n" "the history holds each run, ok"
is "$(q "SELECT count(*) FROM schedule_runs WHERE status <> 'ok'")" "0" "and nothing else"
for j in $(cut -d'|' -f1 jobs.txt); do
  w=$(grep -c "^$j " want.sorted); g=$(grep -c "^$j " got.sorted)
  is "$g" "$w" "$j: $w runs"
done
is "$(grep -c "^friday13 " want.sorted)" "4" "friday13: the four Fridays of March, the 13th (a Friday) once"

done_testing
