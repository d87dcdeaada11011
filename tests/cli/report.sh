#!/usr/bin/env bash
# kam report on a generated province, every figure checked against independent SQL (run
# by Python's sqlite3 on the same file): monthly (overview, gains and losses, grades, the
# fluctuation list, top accounts, 24 months), logistics (Hubei's form), grades, churn and
# kpi; with the cases the issue names: a customer's first revenue, a lost customer, a
# one-time customer with a large swing (excluded), a month with a refund larger than the
# month's other revenue; a 三农 customer off the logistics form; zero bases print "new".
source "$(dirname "$0")/lib.sh"
export LC_ALL=C

G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac

# py_checks SCRIPT ARG...: each "PASS name" / "FAIL name: why" line becomes one TAP result.
py_checks() {
  local script=$1 line
  shift
  python3 - "$@" <"$script" >"$T/.py" 2>&1 || echo "FAIL $script: python exited $?" >>"$T/.py"
  while IFS= read -r line; do
    case $line in
      PASS\ *) ok "${line#PASS }" ;;
      FAIL\ *) nok "${line#FAIL }" ;;
      *) echo "# $line" ;;
    esac
  done <"$T/.py"
}

"$G" --customers 800 --out gen >/dev/null 2>&1 || { nok "genprovince"; done_testing; exit 1; }
run kam --db p.db init --policy hubei
run kam --db p.db import customers gen/customers.csv
status_is 0 "import the generated customers"
# The special customers: network-wide, so class 1 key accounts of 2024 whatever their revenue.
cat >special.csv <<'CSV'
code,name,place,city,county,agreement,account,network_wide,one_time,rural
42902199001000,首次收入客户,capital,武汉市,,yes,cash,yes,no,no
42902199002000,流失客户,capital,武汉市,,yes,cash,yes,no,no
42902199003000,一次性大波动,capital,武汉市,,yes,cash,yes,yes,no
42902199004000,退款大于收入,capital,武汉市,,yes,cash,yes,no,no
42902199005000,三农物流客户,county,黄石市,阳新县,yes,cash,yes,no,yes
CSV
run kam --db p.db import customers special.csv
status_is 0 "import the special customers"
run kam --db p.db import ledger gen/ledger.csv
status_is 0 "import the generated ledger"
cat >special-ledger.csv <<'CSV'
code,month,line,amount,volume
42902199001000,2025-06,express,5000.00,10
42902199002000,2025-04,express,7000.00,7
42902199002000,2025-05,express,8000.00,8
42902199003000,2025-05,express,100.00,1
42902199003000,2025-06,express,90000.00,900
42902199004000,2025-05,express,1000.00,10
42902199004000,2025-06,express,300.00,3
42902199004000,2025-06,logistics,-2000.00,
42902199005000,2025-05,logistics,1000000.00,100
42902199005000,2025-06,logistics,9000000.00,900
CSV
run kam --db p.db import ledger special-ledger.csv --append
status_is 0 "append the special customers' rows"

run kam --db p.db report monthly --month 2025-06
status_is 1 "a month whose previous year is not graded is refused"
like "$err" "2024 is not graded" "saying which year to grade"
run kam --json --db p.db report monthly --month 2025-06
like "$out" '"error": "2024 is not graded' "the --json error document says it too"

run kam --db p.db grade --year 2024 --as-of 2025-01-15
status_is 0 "grade 2024"
run kam --db p.db month explain 2025-06 42902199002000 "客户搬迁至外省"
status_is 0 "kam month explain records an explanation"
printf 'code,month,explanation\n42902199004000,2025-06,"退款: 6月物流退费2000元"\n' >notes.csv
run kam --db p.db import fluctuation_notes notes.csv
status_is 0 "kam import fluctuation_notes"

for r in monthly logistics grades churn; do
  run kam --db p.db report $r --month 2025-06 --format json -o $r.json
  status_is 0 "report $r --format json"
done
run kam --db p.db report kpi 42902199004000 --month 2025-06 --format json -o kpi.json
status_is 0 "report kpi CODE"
run kam --db p.db report kpi --grade 1 --month 2025-06 --format json -o kpi1.json
status_is 0 "report kpi --grade 1"

cat >check.py <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("p.db")
M, PREV, LY = 202506, 202505, 202406
LINES = ("express", "same_city", "international", "logistics", "freight", "forwarding")
IN = "line IN ('express','same_city','international','logistics','freight','forwarding')"
def check(name, cond, detail=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)[:600]))
def fen(s):
    if s is None: return None
    neg = s.startswith("-"); s = s.lstrip("-")
    w, f = s.split(".")
    v = int(w) * 100 + int(f)
    return -v if neg else v
doc = json.load(open("monthly.json"))
sec = {s["key"]: s for s in doc["sections"]}
cur = {r[0]: r[1] for r in db.execute("""SELECT d.code, d.grade FROM decisions d JOIN grading_runs r ON r.id = d.run
  WHERE r.year = 2024 AND d.id = (SELECT max(d2.id) FROM decisions d2 JOIN grading_runs r2 ON r2.id = d2.run
  WHERE d2.code = d.code AND r2.year = 2024)""")}
key = {c: g for c, g in cur.items() if g != "none"}
def rev(a, b):
    out = {}
    for code, s in db.execute(f"SELECT code, sum(amount) FROM ledger WHERE month BETWEEN ? AND ? AND {IN} GROUP BY code", (a, b)):
        out[code] = s
    return out
now, prev, ly, ytd, ytdly = rev(M, M), rev(PREV, PREV), rev(LY, LY), rev(202501, M), rev(202401, LY)
ksum = lambda d: sum(d.get(c, 0) for c in key)
allnow = db.execute(f"SELECT sum(amount) FROM ledger WHERE month = ? AND {IN}", (M,)).fetchone()[0]
ov = sec["overview"]["rows"]
check("overview: key-account revenue this month", fen(ov[0]["now"]) == ksum(now), (ov[0], ksum(now)))
check("overview: key-account revenue last month", fen(ov[0]["base"]) == ksum(prev), (ov[0], ksum(prev)))
check("overview: all revenue this month", fen(ov[1]["now"]) == allnow, (ov[1], allnow))
check("overview: same month last year", fen(ov[2]["base"]) == ksum(ly), (ov[2], ksum(ly)))
check("overview: year to date and the same period last year",
      fen(ov[3]["now"]) == ksum(ytd) and fen(ov[3]["base"]) == ksum(ytdly), (ov[3], ksum(ytd), ksum(ytdly)))
share = ksum(now) * 1000 / allnow
check("overview: the share of all revenue", abs(float(ov[0]["share"]) - share / 10) < 0.051, (ov[0]["share"], share))
cn = {r["item"]: r for r in sec["counts"]["rows"]}
rows = sec["counts"]["rows"]
gained = [c for c in key if now.get(c, 0) > 0 and prev.get(c, 0) <= 0]
lost = [c for c in key if prev.get(c, 0) > 0 and now.get(c, 0) <= 0]
check("counts: key accounts", rows[0]["n"] == len(key), (rows[0], len(key)))
check("counts: with revenue this month", rows[1]["n"] == sum(1 for c in key if now.get(c, 0) > 0))
check("counts: gained, and their revenue", rows[2]["n"] == len(gained) and fen(rows[2]["amount"]) == sum(now[c] for c in gained),
      (rows[2], len(gained)))
check("counts: lost, and last month's revenue", rows[3]["n"] == len(lost) and fen(rows[3]["amount"]) == sum(prev[c] for c in lost),
      (rows[3], len(lost)))
check("the first-revenue customer is gained", 42902199001000 in gained)
check("the lost customer is lost", 42902199002000 in lost)
check("the refund month (-1,700.00) counts as no revenue: lost", 42902199004000 in lost)
gr = {r["grade"]: r for r in sec["grades"]["rows"]}
okg = all(gr[g]["n"] == sum(1 for c in key if key[c] == g) and fen(gr[g]["now"]) == sum(now.get(c, 0) for c in key if key[c] == g)
          and fen(gr[g]["base"]) == sum(prev.get(c, 0) for c in key if key[c] == g) for g in ("1", "2", "3", "4"))
check("per grade: count, this month and last month", okg, gr)
onetime = {r[0] for r in db.execute("SELECT code FROM customers WHERE one_time = 1")}
def beyond(n, b):
    if b == 0: return n != 0
    return abs(n - b) * 100 > 30 * abs(b)
want = {c for c in key if c not in onetime and beyond(now.get(c, 0), prev.get(c, 0))}
fl = {int(r["code"]): r for r in sec["fluctuations"]["rows"]}
check("the fluctuation list is every key account beyond 30%, one-time customers excepted",
      set(fl) == want, (len(fl), len(want), sorted(set(fl) ^ want)[:5]))
check("each fluctuation's change in yuan", all(fen(r["diff"]) == now.get(c, 0) - prev.get(c, 0) for c, r in fl.items()))
check("the one-time customer with a 89,900.00 swing is excepted", 42902199003000 not in fl)
check("a first revenue's change prints new", fl.get(42902199001000, {}).get("change") == "new", fl.get(42902199001000))
check("the lost customer: -100.0 with its explanation",
      fl.get(42902199002000, {}).get("change") == "-100.0" and fl[42902199002000]["why"] == "客户搬迁至外省", fl.get(42902199002000))
check("the refund month: -2,700.00, -270.0, the imported explanation",
      fl.get(42902199004000, {}).get("diff") == "-2700.00" and fl[42902199004000]["change"] == "-270.0"
      and fl[42902199004000]["why"] == "退款: 6月物流退费2000元", fl.get(42902199004000))
check("unexplained ones say so", all(r["why"] == "未说明" for c, r in fl.items() if c not in (42902199002000, 42902199004000)))
check("the document counts the unexplained", doc["data"]["unexplained"] == len(want) - 2, doc["data"])
top = sorted(key, key=lambda c: (-now.get(c, 0), c))[:10]
tr = sec["top"]["rows"]
check("top 10 by this month's revenue", [int(r["code"]) for r in tr] == top and all(fen(r["now"]) == now.get(int(r["code"]), 0) for r in tr),
      ([r["code"] for r in tr], top))
check("top 10: year to date", all(fen(r["ytd"]) == ytd.get(int(r["code"]), 0) for r in tr))
trend = sec["trend"]["rows"]
tall = dict(db.execute(f"SELECT month, sum(amount) FROM ledger WHERE month BETWEEN 202307 AND 202506 AND {IN} GROUP BY month"))
kset = ",".join(str(c) for c in key)
tkey = dict(db.execute(f"SELECT month, sum(amount) FROM ledger WHERE month BETWEEN 202307 AND 202506 AND {IN} AND code IN ({kset}) GROUP BY month"))
stored = [m for m, in db.execute("SELECT month FROM ledger_months WHERE month BETWEEN 202307 AND 202506 ORDER BY month")]
check("the trend: every month the ledger holds of the 24 up to June 2025 (it starts in 2024-01)",
      [int(r["month"].replace("-", "")) for r in trend] == stored and len(stored) == 18, len(trend))
check("the trend's all and key-account revenue per month",
      all(fen(r["all"]) == tall[int(r["month"].replace("-", ""))] and fen(r["key"]) == tkey[int(r["month"].replace("-", ""))] for r in trend))

# logistics
lg = json.load(open("logistics.json"))["sections"][0]["rows"]
rural = {r[0] for r in db.execute("SELECT code FROM customers WHERE rural = 1")}
cust = {r[0]: r[1:] for r in db.execute("SELECT code, place, city, county FROM customers")}
def lrev(a, b):
    return dict(db.execute("SELECT code, sum(amount) FROM ledger WHERE month BETWEEN ? AND ? AND line = 'logistics' GROUP BY code", (a, b)))
def lvol(a, b):
    return dict(db.execute("SELECT code, sum(coalesce(volume, 0)) FROM ledger WHERE month BETWEEN ? AND ? AND line = 'logistics' GROUP BY code", (a, b)))
ln, lytd, lv = lrev(M, M), lrev(202501, M), lvol(M, M)
groups = {}
for c in key:
    if c in rural or ln.get(c, 0) <= 0: continue
    p, city, county = cust[c]
    g = "capital" if p == "capital" else (("city", city) if p == "city" else ("county", city, county))
    groups.setdefault(g, []).append(c)
N = {"capital": 10, "city": 5, "county": 2}
want = set()
for g, cs in groups.items():
    n = N[g if g == "capital" else g[0]]
    cs.sort(key=lambda c: -ln[c])
    bar = ln[cs[min(n, len(cs)) - 1]]
    want |= {c for c in cs if ln[c] >= bar}
got = {int(r["code"]) for r in lg}
check("logistics: the top 10 / 5 / 2 of the capital, each city and county (ties kept)", got == want,
      (len(got), len(want), sorted(got ^ want)[:5]))
check("logistics: the 三农 customer is left out", 42902199005000 not in got and 42902199005000 in key)
check("logistics: this month's revenue, year to date and volume per customer",
      all(fen(r["now"]) == ln[int(r["code"])] and fen(r["ytd"]) == lytd[int(r["code"])] and r["vnow"] == lv[int(r["code"])] for r in lg))

# churn
ch = json.load(open("churn.json"))["sections"][0]["rows"]
r3 = {c for c, in db.execute(f"SELECT code FROM ledger WHERE month BETWEEN 202504 AND 202506 AND {IN} GROUP BY code, month HAVING sum(amount) > 0")}
wantc = {c for c in key if c not in r3}
check("churn: the key accounts without revenue in the last 3 months", {int(r["code"]) for r in ch} == wantc,
      (len(ch), len(wantc)))

# grades
gd = json.load(open("grades.json"))["sections"]
byg = {(r["grade"], r["place"]): r for r in gd[0]["rows"]}
PL = {"capital": "省会", "city": "地市", "county": "县"}
y24 = dict(db.execute(f"SELECT code, sum(amount) FROM ledger WHERE month BETWEEN 202401 AND 202412 AND {IN} GROUP BY code"))
okgr = True
for (g, p), r in byg.items():
    if p == "合计": continue
    codes = [c for c, gg in cur.items() if gg == g and PL[cust[c][0]] == p]
    okgr = okgr and r["n"] == len(codes) and fen(r["amount"]) == sum(y24.get(c, 0) for c in codes)
check("grades: count and revenue per grade and place", okgr and len(byg) > 4)
check("grades: the transition matrix covers every customer graded for 2024",
      sum(v for r in gd[1]["rows"] for k, v in r.items() if k != "from") == len(cur))

# kpi
kp = json.load(open("kpi.json"))["sections"]
months = kp[0]["rows"]
allm = dict(db.execute("SELECT month, sum(amount) FROM ledger WHERE code = 42902199004000 GROUP BY month"))
check("kpi: 24 months, each month's revenue on every line", len(months) == 24 and
      all(fen(r["all"]) == allm.get(int(r["month"].replace("-", "")), 0) for r in months))
check("kpi: the refund month counts -1,700.00", months[-1]["counted"] == "-1700.00", months[-1])
check("kpi: grade history with reasons", kp[2]["rows"][0]["year"] == 2024 and kp[2]["rows"][0]["grade"] == "1"
      and "network-wide" in kp[2]["rows"][0]["reasons"], kp[2]["rows"])
k1 = json.load(open("kpi1.json"))
check("kpi --grade 1: four sections per class 1 key account", len(k1["sections"]) == 4 * sum(1 for g in key.values() if g == "1"))
PY
py_checks check.py

# --- formats -------------------------------------------------------------------------------
run kam --db p.db report monthly --month 2025-06
status_is 0 "report monthly as a table"
like "$out" "2025年6月大客户收入分析" "Chinese title by default"
like "$out" "新增" "a zero base prints 新增"
run kam --db p.db report monthly --month 2025-06 --lang en
like "$out" "Key-account revenue analysis, 2025-06" "--lang en"
like "$out" " new " "and new in English"
run kam --db p.db report logistics --month 2025-06
like "$out" "本月收入（万元）" "the logistics form shows 万元"
run kam --db p.db report monthly --month 2025-06 --format csv -o m.csv
status_is 0 "--format csv"
like "$(head -2 m.csv)" "项目,本期（元）" "CSV: each section's header under its title"
run kam --db p.db report monthly --month 2025-06 -o m.html
status_is 0 "-o FILE.html picks HTML"
like "$(head -c 200 m.html)" "<!DOCTYPE html>" "an HTML page"
is "$(grep -c '<svg' m.html)" "4" "four inline SVG charts (grades, fluctuations, top, trend)"
if grep -qiE '<script|src=|href=|@import|url\(' m.html; then nok "self-contained: no script, no external reference"; else ok "self-contained: no script, no external reference"; fi
like "$(cat m.html)" "@page{size:A4" "print CSS for A4"

run kam --db p.db report kpi --grade 1 --month 2025-06 -o kpi1.html
is "$(grep -o '<section id="revenue-[0-9]*" class="page"' kpi1.html | wc -l | tr -d ' ')" \
  "$(( $(python3 -c 'import json; print(len(json.load(open("kpi1.json"))["sections"]) // 4)') - 1 ))" \
  "kpi --grade 1 as HTML: each customer after the first starts a printed page"
run kam --db p.db report monthly --month 2025-06 -o m.xlsx
status_is 0 "-o FILE.xlsx writes a workbook through the xlsx plugin"
cat >xl.py <<'PY'
import json, re, zipfile
def check(name, cond, detail=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)[:400]))
z = zipfile.ZipFile("m.xlsx")
doc = json.load(open("monthly.json"))
names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
check("xlsx: one sheet per section, named after its title",
      names == [s["title"][:31] for s in doc["sections"]], names)
sheets = [z.read("xl/worksheets/sheet%d.xml" % (i + 1)).decode() for i in range(len(names))]
check("xlsx: every sheet's header is frozen", all('state="frozen"' in x for x in sheets))
styles = z.read("xl/styles.xml").decode()
check("xlsx: money shown with two decimals", 'formatCode="0.00"' in styles)
top = sheets[4]
vals = re.findall(r'<c r="E(\d+)" s="\d+"><v>([^<]+)</v>', top)
want = [r["now"] for r in doc["sections"][4]["rows"]]
check("xlsx: the top accounts' revenue as numbers, to the fen",
      len(vals) == len(want) and all(abs(float(v) - float(w)) < 0.001 for (_, v), w in zip(vals, want)), (vals[:3], want[:3]))
codes = re.findall(r'<c r="B(\d+)" t="inlineStr"><is><t>(\d{14})</t>', top)
check("xlsx: codes stay text", len(codes) == len(want))
PY
py_checks xl.py
run kam --db p.db report monthly --month 2025-06 --format xlsx
status_is 2 "--format xlsx needs -o FILE"

# --- a report of one's own: the README's example, and a mistake named -------------------
awk '/^### Writing a report/ { on = 1 } on && /^```lua$/ { grab = 1; next } grab && /^```$/ { exit } grab' \
  "$TOP/README.md" >mine.lua
[ -s mine.lua ] && ok "the README's report example" || nok "the README's report example"
run kam --db p.db report ./mine.lua --month 2025-06 --format json
status_is 0 "runs as kam report ./mine.lua"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); r=d["sections"][0]["rows"]; print(len(r), d["title"])')" \
  "$(sqlite3 p.db "SELECT count(*) FROM decisions WHERE grade <> 'none'") 本月大客户收入" "a row per key account, the Chinese title"
printf 'return { title = "t", sections = { { key = "a", title = "A", columns = { { key = "x", label = "X", type = "money" } },\n  rows = { { x = 12.5 } } } } }\n' >bad.lua
run kam --db p.db report ./bad.lua --month 2025-06
status_is 1 "a document with a float as money is refused"
is "$err" "kam: report bad: section 1 (a), row 1: column 'x' (money) holds 12.5" "naming the section, row and column"

# The default month: the one before this one in the database's timezone (meta timezone).
printf 'local ctx = ...\nreturn { title = ctx.lib.month_text(ctx.month), sections = {} }\n' >month.lua
for tz in Pacific/Kiritimati Etc/GMT+12; do
  sqlite3 p.db "INSERT INTO meta(key, value) VALUES ('timezone', '$tz') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
  run kam --db p.db report ./month.lua --format json
  ym=$(TZ=$tz date +%Y%m)
  y=${ym:0:4} m=$((10#${ym:4:2}))
  if [ "$m" = 1 ]; then want="$((y - 1))-12"; else want=$(printf '%s-%02d' "$y" $((m - 1))); fi
  like "$out" "\"title\": \"$want\"" "the default month is the one before this one in $tz ($want)"
done
sqlite3 p.db "DELETE FROM meta WHERE key = 'timezone'"

# --- usage ---------------------------------------------------------------------------------
run kam --db p.db report nosuch
status_is 2 "an unknown report is a usage error"
run kam --db p.db report monthly --month 2025-13
status_is 2 "a bad month is a usage error"
like "$err" "--month '2025-13' must be a month like 2025-06" "naming it"
run kam --db p.db report monthly --format pdf
status_is 2 "an unknown format is a usage error"
run kam --db p.db report list
like "$out" "logistics" "report list names the reports"
run kam --db p.db --policy shantou report logistics --month 2025-06
status_is 1 "the logistics form under a policy without its counts"
like "$err" "policy shantou sets no logistics form" "says so"

# --- closing a month ------------------------------------------------------------------------
printf 'code,month,line,amount\n42902199001000,2025-06,letters,1.00\n' >one.csv
run kam --db p.db month close 2025-06
status_is 0 "month close"
run kam --db p.db month close 2025-06
status_is 1 "closing a closed month is refused"
run kam --db p.db import ledger one.csv --append
status_is 1 "--append to a closed month is refused"
like "$err" "month 2025-06 is closed (by tester at " "naming the month and who closed it"
run kam --db p.db import ledger one.csv --replace
status_is 1 "--replace of a closed month is refused"
is "$(sqlite3 p.db "SELECT count(*) FROM ledger WHERE month = 202506 AND line = 'letters' AND code = 42902199001000")" "0" "nothing was written"
run kam --db p.db month reopen 2025-06
status_is 2 "reopening needs a reason"
run kam --db p.db month reopen 2025-06 --reason "补录一笔函件收入"
status_is 0 "month reopen --reason"
run kam --db p.db import ledger one.csv --append
status_is 0 "a reopened month takes --append again"
run kam --json --db p.db month list 2025-06
like "$out" '"reason": "补录一笔函件收入"' "month list keeps the close and the reopening with the reason"
is "$(sqlite3 p.db "SELECT group_concat(action) FROM month_closes")" "close,reopen" "both entries kept, in order"
run sqlite3 p.db "DELETE FROM month_closes"
like "$err" "never deleted" "a close is never deleted"

done_testing
