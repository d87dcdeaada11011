#!/usr/bin/env bash
# kam import receivables (DOMAIN.md §6): Chinese or English headers; a customer without an
# agreement, a line the policy never puts on credit, an unknown customer, a day that does
# not exist and a due day before the issue day are bad rows, listed with line and field,
# and nothing is imported; --reject-file loads the good ones (exit 3); the same file
# again adds nothing; export gives back what import reads.  Imported receivables put a
# customer on credit stop like added ones.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"

DB=k.db
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump | sha256sum; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei customers"
A=42050200005000    # agreement
N=42010200009000    # no agreement

cat > bad.csv <<CSV
客户代码,业务,金额,开票日期,到期日,经办人,单号
$A,特快,1234.56,2026-03-01,2026-03-31,王五,A1
$A,储汇,10,2026-03-01,2026-03-31,王五,
$N,express,10,2026-03-01,2026-03-31,王五,
$A,express,10,2026-03-31,2026-03-01,王五,
$A,express,10,2026-02-29,2026-03-31,王五,
42099999999000,express,10,2026-03-01,2026-03-31,王五,
$A,express,0,2026-03-01,2026-03-31,王五,
CSV
before=$(dump)
run kam --db $DB --json import receivables bad.csv
status_is 1 "a file with bad rows is refused"
is "$(echo "$out" | py 'print("\n".join("%d %s %s" % (r["line"], r["field"], r["reason"]) for r in d["bad_rows"]))')" \
"3 line column 'line': policy hubei never puts the savings line on credit
4 code customer $N has no agreement: only agreement customers may run arrears
5 due column 'due': 2026-03-01 is before the issue day 2026-03-31
6 issued column 'issued': '2026-02-29' is not a day YYYY-MM-DD
7 code no customer 42099999999000
8 amount column 'amount': a receivable must be more than 0" "every bad row with its line, field and reason"
is "$(dump)" "$before" "and nothing is imported"

run kam --db $DB import receivables bad.csv --reject-file rej.csv
status_is 3 "--reject-file loads the good row: done in part"
is "$(q "SELECT printf('%014d', code), line, amount, issued, due, handler, ref, created_by FROM receivables")" \
  "$A|express|123456|2026-03-01|2026-03-31|王五|A1|tester" "stored in fen, the line in English, who loaded it"
is "$(wc -l < rej.csv | tr -d ' ')" "7" "the six bad rows in the reject file (and its header)"

cat > good.csv <<CSV
code,line,amount,issued,due,handler,ref
$A,express,1234.56,2026-03-01,2026-03-31,王五,A1
$A,logistics,50.00,2026-04-01,2026-04-30,赵六,
CSV
run kam --db $DB --json import receivables good.csv
status_is 0 "an English file"
is "$(echo "$out" | py 'print(d["inserted"], d["unchanged"])')" "1 1" "a row already stored is left alone"
run kam --db $DB import receivables good.csv
is "$(q 'SELECT count(*) FROM receivables')" "2" "loading it again adds nothing"
run kam --db $DB export receivables -o out.csv
status_is 0 "export receivables"
is "$(cat out.csv)" "$(cat good.csv)" "export gives back the file import read"
run kam --db $DB --policy city2012 import receivables good.csv
status_is 0 "another policy with arrears rules"

run kam --db $DB --json arrear stops --as-of 2026-04-01
is "$(echo "$out" | py 'print([(s["code"], s["since"], s["outstanding"]) for s in d["stops"]])')" \
  "[('$A', '2026-04-01', 123456)]" "an imported receivable unpaid past its due day puts the customer on credit stop"
run kam --db $DB arrear pay 1 --amount 1234.56 --on 2026-04-01
run kam --db $DB --json arrear stops --as-of 2026-04-01
is "$(echo "$out" | py 'print(d["stops"])')" "[]" "its payment lifts it"

run kam import --help
like "$out" "receivables" "kam import --help names the kind"

done_testing
