#!/usr/bin/env bash
# Managers and assignments by import and export: Chinese headers; a manager stored with
# other data changes only with --replace; an assignment already stored is left alone, a
# new manager in a role relieves the old one (ended, kept); unknown customers and managers
# and the same manager as A and B are bad rows; export writes the current assignments.
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
printf '客户经理,单位,电话\n王五,宜昌,139\n李四,,\n' >managers.csv
run kam --db $DB import managers managers.csv
status_is 0 "import managers"
like "$err" "2 added" "two managers"
run kam --db $DB import managers managers.csv
like "$err" "2 unchanged" "the same file again: unchanged"
printf 'name,phone\n王五,138\n' >phone.csv
before=$(snap)
run kam --db $DB import managers phone.csv
status_is 1 "another phone without --replace is refused"
like "$err" "manager '王五' is already stored with phone '139'; --replace updates it" "saying so"
is "$(snap)" "$before" "nothing changed"
run kam --db $DB import managers phone.csv --replace
is "$(q "SELECT bureau, phone FROM managers WHERE name = '王五'")" "宜昌|138" "--replace: the phone changed, the bureau kept"

printf '客户代码,客户经理,角色,起始日期\n42050200001000,王五,A,2026-01-01\n42050200002000,王五,,\n42050200001000,李四,B角,2026-02-01\n' >as.csv
run kam --db $DB import assignments as.csv
status_is 0 "import assignments"
like "$err" "3 added" "three assignments"
is "$(q "SELECT role FROM assignments WHERE code = 42050200002000")" "A" "role A by default"
run kam --db $DB import assignments as.csv
like "$err" "3 unchanged" "loaded again: unchanged"
printf 'code,manager,since\n42050200001000,李四,2026-03-01\n' >same.csv
before=$(snap)
run kam --db $DB import assignments same.csv
status_is 1 "the B manager as A too is refused"
like "$err" "'李四' is the customer's B manager already: A and B are two managers" "saying so"
printf 'code,manager\n42050200001000,张三\n42050299999000,王五\n42050200003000,王五\n' >bad.csv
run kam --db $DB import assignments bad.csv
status_is 1 "bad rows fail the import"
like "$err" "bad.csv:2: column 'manager': no manager '张三' (import managers first)" "an unknown manager"
like "$err" "bad.csv:3: column 'code': no customer 42050299999000" "an unknown customer"
is "$(snap)" "$before" "nothing imported"
printf 'code,manager,role,since\n42050200001000,李四,B,2026-02-01\n42050200002000,李四,A,2026-03-01\n' >move.csv
run kam --db $DB import assignments move.csv
like "$err" "0 added, 1 updated, 1 unchanged" "a new A manager replaces the old one"
is "$(q "SELECT ended_on || ' ' || end_reason FROM assignments WHERE code = 42050200002000 AND manager = 1")" \
  "2026-03-01 relieved: customer assigned to 李四" "the old assignment ended, kept"
run kam --db $DB export assignments
is "$out" "code,manager,role,since
42050200001000,王五,A,2026-01-01
42050200001000,李四,B,2026-02-01
42050200002000,李四,A,2026-03-01" "export: the current assignments with the managers' names"
run kam --db $DB export assignments -o back.csv
run kam --db $DB import assignments back.csv
like "$err" "3 unchanged" "an export imports back unchanged"
done_testing
