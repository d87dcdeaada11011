#!/usr/bin/env bash
# The synthetic province generator (tests/bench/genprovince.c): deterministic, well-formed
# CSV, valid codes, every grade boundary present, Chinese headers, GB18030, BOM, CRLF, and
# clear failures.
source "$(dirname "$0")/lib.sh"
export LC_ALL=C

G="$TOP/$KAM_BUILD/bench/genprovince"
case $KAM_BUILD in /*) G="$KAM_BUILD/bench/genprovince" ;; esac
if [ ! -x "$G" ]; then
  nok "genprovince is built" "missing $G (make $KAM_BUILD/bench/genprovince)"
  done_testing
  exit 1
fi

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

# fen FILE: "code,year,line,fen,month" for every ledger row (no floats: the dot is dropped).
fen() {
  awk -F, 'NR > 1 { a = $4; neg = a ~ /^-/; sub(/^-/, "", a); split(a, p, ".");
    v = p[1] * 100 + p[2]; if (neg) v = -v;
    print $1 "," substr($2, 1, 4) "," $3 "," v "," $2 }' "$1"
}

run "$G" --customers 200 --out a
status_is 0 "a small province"
is "$(ls a | tr '\n' ' ')" "customers.csv ledger.csv " "writes customers.csv and ledger.csv"
run "$G" --customers 200 --out b
cmp -s a/customers.csv b/customers.csv && cmp -s a/ledger.csv b/ledger.csv && ok "two runs are byte-identical" ||
  nok "two runs are byte-identical"
run "$G" --customers 200 --seed 2 --out s2
if cmp -s a/customers.csv s2/customers.csv || cmp -s a/ledger.csv s2/ledger.csv; then
  nok "another seed gives another province"
else
  ok "another seed gives another province"
fi
run "$G" --customers 200 --seed 1 --out s1
cmp -s a/ledger.csv s1/ledger.csv && ok "--seed 1 is the default" || nok "--seed 1 is the default"

is "$(head -1 a/customers.csv)" \
  "code,name,place,city,county,admin_code,industry,nature,reach,agreement,account,important,potential,network_wide,one_time,rural" \
  "customers header (English)"
is "$(head -1 a/ledger.csv)" "code,month,line,amount,volume" "ledger header (English)"

# Customers: parsed as RFC 4180 (names hold commas, quotes and line breaks).
cat >customers.py <<'PY'
import csv, sys
path, want_n = sys.argv[1], int(sys.argv[2])
def check(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond or why == "" else ": " + str(why)))
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
check("customers: %d rows of 16 fields" % want_n,
      len(body) == want_n and all(len(r) == 16 for r in body), (len(body), [r for r in body if len(r) != 16][:2]))
codes = [r[0] for r in body]
bad = [c for c in codes if len(c) != 14 or not c.isdigit()]
check("every code has 14 digits", not bad, bad[:3])
check("codes are unique", len(set(codes)) == len(codes), len(codes) - len(set(codes)))
check("customers are sorted by code", codes == sorted(codes))
check("the code starts with the admin code", all(r[0][:6] == r[5] for r in body),
      [r[:6] for r in body if r[0][:6] != r[5]][:2])
seqs = {}
for c in codes:
    seqs.setdefault(c[:6], set()).add(int(c[6:11]))
check("sequences run from 00001 without gaps",
      all(s == set(range(1, max(s) + 1)) for s in seqs.values()))
branches = [c for c in codes if not c.endswith("000")]
heads = set(c for c in codes if c.endswith("000"))
check("some customers are branches", len(branches) >= 1, len(branches))
check("a branch shares its head office's first 11 digits",
      all(c[:11] + "000" in heads for c in branches), [c for c in branches if c[:11] + "000" not in heads][:3])
byhead = {}
for c in branches:
    byhead.setdefault(c[:11], []).append(int(c[11:]))
check("branches number 001, 002, ... per head", all(sorted(v) == list(range(1, len(v) + 1)) for v in byhead.values()))
places = set(r[2] for r in body)
check("place is capital, city or county", places <= {"capital", "city", "county"}, places)
check("the capital is Wuhan", all((r[2] == "capital") == (r[3] == "武汉市") for r in body))
check("county is named exactly for county customers", all((r[2] == "county") == (r[4] != "") for r in body))
enum = {6: {"finance", "wholesale_retail", "education", "real_estate", "manufacturing", "transport", "it",
            "government", "other"}, 7: {"enterprise", "government", "individual"}, 8: {"province", "regional"},
        9: {"yes", "no"}, 10: {"on_account", "cash", ""}, 11: {"province", "city", "county", ""},
        12: {"province", "city", "county", ""}, 13: {"yes", "no"}, 14: {"yes", "no"}}
for col, words in enum.items():
    got = set(r[col] for r in body)
    check("column %s holds only its words" % head[col], got <= words, got - words)
check("account is empty exactly without an agreement", all((r[9] == "no") == (r[10] == "") for r in body))
names = [r[1] for r in body]
for what, ch in (("a comma", ","), ("a double quote", '"'), ("a line break", "\n"), ("䶮 (U+4DAE)", "䶮"),
                 ("𠮷 (U+20BB7)", "𠮷")):
    check("some name holds " + what, any(ch in n for n in names))
check("names are Chinese", sum(1 for n in names if any(ord(ch) > 0x4e00 for ch in n)) == len(names))
with open(path + ".codes", "w") as f:
    f.write("\n".join(codes) + "\n")
with open(path + ".place", "w") as f:
    f.write("".join("%s,%s\n" % (r[0], r[2]) for r in body))
PY
py_checks customers.py a/customers.csv 200

# Ledger: plain fields, checked with awk.
run awk -F, 'NR == 1 { next }
  NF != 5 { print "fields " NR; next }
  length($1) != 14 || $1 !~ /^[0-9]+$/ { print "code " NR }
  $2 !~ /^20(24|25)-(0[1-9]|1[0-2])$/ { print "month " NR }
  $3 !~ /^(express|logistics|letters|parcels|savings|billing|philately|newspapers|same_city|international|freight|forwarding)$/ { print "line " NR }
  $4 !~ /^-?[0-9]+\.[0-9][0-9]$/ { print "amount " NR }
  $5 !~ /^[0-9]+$/ { print "volume " NR }
  { k = $1 "," $2 "," $3; if (k <= prev) print "order " NR; prev = k }' a/ledger.csv
is "$out" "" "ledger rows: 14-digit codes, months 2024-01..2025-12, known lines, 2 decimals, sorted, no duplicates"
run awk -F, 'NR == FNR { known[$1] = 1; next } FNR > 1 && !($1 in known) { print $1 }' a/customers.csv.codes a/ledger.csv
is "$out" "" "every ledger code is a customer"
run awk -F, 'FNR > 1 { m[$2] = 1 } END { n = 0; for (k in m) n++; print n }' a/ledger.csv
is "$out" "24" "24 months by default"
run awk -F, 'NR > 1 { n++; if ($4 ~ /^-/) neg++ } END { printf "%d\n", (neg * 200 >= n && neg * 100 <= 5 * n) }' a/ledger.csv
is "$out" "1" "0.5% to 5% of the rows are refunds"
run awk -F, 'NR > 1 { if (!(($1, $3) in seen)) { seen[$1, $3] = 1; n[$1]++ } }
  END { for (c in n) if (n[c] < 1 || n[c] > 6) print c, n[c] }' a/ledger.csv
is "$out" "" "each customer uses 1 to 6 lines"

# Grade boundaries (DOMAIN.md §3), by place, in the last full year: exactly on, and one fen under.
fen a/ledger.csv >a/fen
awk -F, '$2 == 2025 { t[$1] += $4 } END { for (c in t) print c "," t[c] }' a/fen | sort >a/y2025
join -t, a/y2025 <(sort a/customers.csv.place) >a/y2025p
for spec in capital:10000 capital:100000 capital:300000 capital:500000 capital:1000000 capital:1500000 \
  capital:5000000 city:10000 city:50000 city:100000 city:200000 county:10000 county:30000 county:50000 county:100000; do
  place=${spec%%:*} yuan=${spec#*:}
  n=$(awk -F, -v p="$place" -v v=$((yuan * 100)) '$3 == p && $2 == v' a/y2025p | wc -l)
  m=$(awk -F, -v p="$place" -v v=$((yuan * 100 - 1)) '$3 == p && $2 == v' a/y2025p | wc -l)
  [ "$n" -ge 1 ] && [ "$m" -ge 1 ] && ok "a $place customer with exactly $yuan.00 in 2025, and one with a fen less" ||
    nok "a $place customer with exactly $yuan.00 in 2025, and one with a fen less" "found $n and $m"
done
run awk -F, 'NR == FNR { if ($2 % 10000000 == 0 && $2 >= 10000000) b[$1] = 1; next }
  $2 == 2025 && ($1 in b) && $4 < 0 { print $1; exit }' a/y2025p a/fen
[ -n "$out" ] && ok "a boundary customer's exact total includes a refund" || nok "a boundary customer's exact total includes a refund"
# Shantou rule 2: year >= 10,000 and December >= 1,000, on the edge both ways.
awk -F, '$5 == "2025-12" { d[$1] += $4 } END { for (c in d) print c "," d[c] }' a/fen | sort >a/dec
out=$(join -t, a/y2025 a/dec | awk -F, '$2 == 1000000 && $3 == 100000 { a = 1 }
  $2 == 1000000 && $3 == 99999 { b = 1 } $2 == 999999 && $3 == 100000 { c = 1 } END { print a + b + c }')
is "$out" "3" "Shantou's 10,000 / 1,000 edges: on, December a fen short, year a fen short"
# Shantou rule 3: a single-line customer exactly on a line's yearly and monthly bar.
awk -F, '$2 == 2025 { t[$1 "," $3] += $4; if ($5 == "2025-12") d[$1 "," $3] += $4; l[$1, $3] = 1 }
  END { for (k in t) print k "," t[k] "," d[k] }' a/fen | sort >a/lines
for bar in savings:20000:2000 billing:50000:5000 letters:12000:1000 philately:40000:3500 express:20000:2000 \
  logistics:50000:5000 parcels:10000:1000 newspapers:20000:2000; do
  IFS=: read -r line y m <<<"$bar"
  n=$(awk -F, -v l="$line" -v y=$((y * 100)) -v m=$((m * 100)) '$2 == l && $3 == y && $4 == m' a/lines | wc -l)
  [ "$n" -ge 1 ] && ok "line $line: a customer with exactly $y.00 in 2025 and $m.00 in December" ||
    nok "line $line: a customer with exactly $y.00 in 2025 and $m.00 in December"
done

# Chinese headers and words; the rest unchanged.
run "$G" --customers 200 --headers zh --out zh
status_is 0 "--headers zh"
is "$(head -1 zh/customers.csv)" \
  "客户代码,客户名称,所在地,地市,县区,行政区划,行业,客户性质,用邮地域,协议客户,结算方式,重要客户级别,潜在客户级别,全网客户,一次性客户,三农客户" \
  "customers header (Chinese)"
is "$(head -1 zh/ledger.csv)" "客户代码,月份,业务,收入,件数" "ledger header (Chinese)"
cmp -s <(tail -n +2 zh/ledger.csv) <(tail -n +2 a/ledger.csv) && ok "the Chinese ledger has the same rows" ||
  nok "the Chinese ledger has the same rows"
cat >zh.py <<'PY'
import csv, sys
en = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))[1:]
zh = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))[1:]
words = {"省会": "capital", "地市": "city", "县": "county", "全省性": "province", "区域性": "regional",
         "是": "yes", "否": "no"}
back = [[words.get(v, v) if i in (2, 8, 9, 13, 14, 15) else v for i, v in enumerate(r)] for r in zh]
ok = back == en
print(("PASS " if ok else "FAIL ") + "Chinese place, reach and yes/no words; every other cell the same")
used = set(r[2] for r in zh) | set(r[9] for r in zh)
print(("PASS " if {"省会", "地市", "县", "是", "否"} <= used else "FAIL ") + "the Chinese words are used")
PY
py_checks zh.py a/customers.csv zh/customers.csv

# GB18030: converts back to the UTF-8 files exactly (䶮 and 𠮷 included).
run "$G" --customers 200 --encoding gb18030 --out gb
status_is 0 "--encoding gb18030"
iconv -f GB18030 -t UTF-8 gb/customers.csv >gb/back.csv 2>/dev/null && cmp -s gb/back.csv a/customers.csv &&
  ok "GB18030 customers convert back to the UTF-8 file" || nok "GB18030 customers convert back to the UTF-8 file"
iconv -f GB18030 -t UTF-8 gb/ledger.csv | cmp -s - a/ledger.csv && ok "GB18030 ledger converts back" ||
  nok "GB18030 ledger converts back"
iconv -f UTF-8 -t UTF-8 gb/customers.csv >/dev/null 2>&1 && nok "the GB18030 file is not UTF-8" ||
  ok "the GB18030 file is not UTF-8"
grep -q '䶮' gb/back.csv && grep -q '𠮷' gb/back.csv && ok "䶮 and 𠮷 survive GB18030" || nok "䶮 and 𠮷 survive GB18030"
run "$G" --customers 200 --encoding gb18030 --headers zh --bom --crlf --out gbz
iconv -f GB18030 -t UTF-8 gbz/customers.csv | tr -d '\r' | cmp -s - <(printf '\357\273\277'; cat zh/customers.csv) &&
  ok "GB18030 with Chinese headers, BOM and CRLF converts back" || nok "GB18030 with Chinese headers, BOM and CRLF converts back"

# BOM and CRLF.
run "$G" --customers 200 --bom --crlf --out bc
is "$(head -c 3 bc/customers.csv | od -An -tx1 | tr -d ' ')" "efbbbf" "--bom starts customers.csv with EF BB BF"
is "$(head -c 3 bc/ledger.csv | od -An -tx1 | tr -d ' ')" "efbbbf" "--bom starts ledger.csv with EF BB BF"
tail -c +4 bc/ledger.csv | sed 's/\r$//' | cmp -s - a/ledger.csv && ok "--crlf ends ledger rows with CRLF, nothing else changes" ||
  nok "--crlf ends ledger rows with CRLF, nothing else changes"
is "$(tail -c +4 bc/ledger.csv | grep -vc $'\r$')" "0" "every ledger line ends in CRLF"
tail -c +4 bc/customers.csv | sed 's/\r$//' | cmp -s - a/customers.csv && ok "--crlf customers.csv" || nok "--crlf customers.csv"

# The window: --end and --months.
run "$G" --customers 50 --months 12 --end 2025-06 --out w
status_is 0 "--months 12 --end 2025-06"
is "$(awk -F, 'NR > 1 { print $2 }' w/ledger.csv | sort -u | sed -n '1p;$p' | tr '\n' ' ')" "2024-07 2025-06 " \
  "months run 2024-07..2025-06"
run "$G" --customers=50 --months=36 --out=w36
status_is 0 "--opt=value works"
is "$(awk -F, 'NR > 1 { print $2 }' w36/ledger.csv | sort -u | wc -l)" "36" "--months 36"
run "$G" --customers 1 --out one
is "$(($(wc -l <one/customers.csv) - 1))" "1" "--customers 1"

# A larger run has the promised shape (shares within generous bounds).
run "$G" --customers 10000 --out big
status_is 0 "10,000 customers"
cat >shape.py <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))[1:]
n = len(rows)
def share(f):
    return 100.0 * sum(1 for r in rows if f(r)) / n
def check(name, v, lo, hi, unit="%"):
    print(("PASS " if lo <= v <= hi else "FAIL ") + "%s: %.2f%s in [%g, %g]" % (name, v, unit, lo, hi))
check("capital", share(lambda r: r[2] == "capital"), 27, 33)
check("city", share(lambda r: r[2] == "city"), 32, 38)
check("county", share(lambda r: r[2] == "county"), 32, 38)
check("agreement", share(lambda r: r[9] == "yes"), 35, 45)
check("important", share(lambda r: r[11] != ""), 2, 5)
check("potential", share(lambda r: r[12] != ""), 2, 5)
check("network-wide", share(lambda r: r[13] == "yes"), 0.05, 0.6)
check("one-time", share(lambda r: r[14] == "yes"), 0.5, 1.6)
check("branches", share(lambda r: not r[0].endswith("000")), 2, 4)
gov = [r for r in rows if r[7] == "government"]
imp = 100.0 * sum(1 for r in gov if r[11]) / max(1, len(gov))
check("government bodies are more often important", imp, 8, 30)
check("prefectures", len(set(r[3] for r in rows)), 13, 20, " cities")
with open(sys.argv[1] + ".place", "w") as f:
    f.write("".join("%s,%s\n" % (r[0], r[2]) for r in rows))
PY
py_checks shape.py big/customers.csv
fen big/ledger.csv >big/fen
run awk -F, 'NR == FNR { place[$1] = $2; next }
  $2 == 2025 { t[$1] += $4 }
  END { for (c in t) { v = t[c] / 100; p = place[c]; n++
      if (v < 5000) lo++; if (v >= 500000) hi++; if (v >= 1000000) top++
      if (p == "capital") b = v >= 500000 ? 1 : v >= 300000 ? 2 : v >= 100000 ? 3 : v >= 10000 ? 4 : 0
      else if (p == "city") b = v >= 200000 ? 1 : v >= 100000 ? 2 : v >= 50000 ? 3 : v >= 10000 ? 4 : 0
      else b = v >= 100000 ? 1 : v >= 50000 ? 2 : v >= 30000 ? 3 : v >= 10000 ? 4 : 0
      seen[p, b] = 1 }
    m = 0; for (k in seen) m++
    print (lo > n / 20) (hi > 10) (top >= 3) (m == 15) }' big/customers.csv.place big/fen
is "$out" "1111" "heavy tail: many small customers, some over 500,000 and 1,000,000; every Hubei class in every place"
run awk -F, 'NR > 1 { n++ } END { printf "%d\n", n / 10000 }' big/ledger.csv
[ "$out" -ge 50 ] && [ "$out" -le 90 ] && ok "50-90 ledger rows a customer over 24 months ($out)" ||
  nok "50-90 ledger rows a customer over 24 months" "got $out"

# --order month: the same rows, month by month, customers shuffled inside each month.
run "$G" --customers 200 --order month --out mo
status_is 0 "--order month"
is "$(cmp mo/customers.csv a/customers.csv && echo same)" same "the same customers file"
is "$(sed 1d mo/ledger.csv | sort | md5sum)" "$(sed 1d a/ledger.csv | sort | md5sum)" "the same ledger rows"
is "$(head -1 mo/ledger.csv)" "$(head -1 a/ledger.csv)" "the same header"
is "$(sed 1d mo/ledger.csv | cut -d, -f2 | uniq | tr '\n' ' ')" \
   "$(sed 1d a/ledger.csv | cut -d, -f2 | sort -u | tr '\n' ' ')" "each month once, in order"
m1=$(sed 1d mo/ledger.csv | awk -F, 'NR == 1 { m = $2 } $2 == m { print $1 }' | uniq)
is "$(printf '%s\n' "$m1" | sort -c 2>/dev/null && echo sorted)" "" "customers are not in code order inside a month"
is "$(printf '%s\n' "$m1" | sort | uniq -d)" "" "a customer's rows of a month stay together"
m2=$(sed 1d mo/ledger.csv | awk -F, 'NR == 1 { m = $2 } $2 != m { print $1 }' | uniq | head -50)
[ "$(printf '%s\n' "$m1" | head -50)" != "$m2" ] && ok "each month has its own order" || nok "each month has its own order"
run "$G" --customers 200 --order month --out mo2
is "$(cat mo/ledger.csv | md5sum)" "$(cat mo2/ledger.csv | md5sum)" "deterministic"
run "$G" --order size --out bad
status_is 2 "--order takes code or month"
like "$err" "--order: 'size' is not code or month" "saying so"
rm -rf mo mo2

# Usage errors exit 2 with a message; I/O errors exit 1 naming the file.
for args in "--customers 0" "--customers abc" "--customers" "--months 0" "--end 2025-13" "--end 2025-1" \
  "--headers fr" "--encoding latin1" "--seed -3" "--bom=yes" "--frobnicate"; do
  # shellcheck disable=SC2086
  run "$G" $args --out bad
  [ "$status" = 2 ] && [ -n "$err" ] && [ ! -e bad ] && ok "usage error: $args" ||
    nok "usage error: $args" "status $status, stderr: $err"
done
like "$err" "unknown option '--frobnicate'" "names the bad option"
like "$err" "usage: genprovince" "and shows the usage"
run "$G" --help
status_is 0 "--help"
like "$out" "--customers N" "--help shows the usage"
touch notadir
run "$G" --customers 5 --out notadir
status_is 1 "an output directory that is a file"
like "$err" "notadir/customers.csv" "names the file"
mkdir full
ln -s /dev/full full/ledger.csv
run "$G" --customers 5 --out full
status_is 1 "a full disk"
like "$err" "full/ledger.csv: No space left on device" "names the file and the reason"
run "$G" --customers 5 --out new/dir
status_is 1 "a missing parent directory"
like "$err" "new/dir" "names the directory"

done_testing
