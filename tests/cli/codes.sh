#!/usr/bin/env bash
# kam code next (DOMAIN §2): the largest sequence used under a division + 1, branch 000;
# the next branch of a head office; a division not in the shipped table of Hubei's
# divisions, a full division and a missing head office are refused (exit 1, nothing
# written); a stored customer's code never changes (kam customer set --code, and SQL).
source "$(dirname "$0")/lib.sh"
F="$TOP/tests/fixtures/grade"
DB=k.db
q() { sqlite3 "$DB" "$1"; }
snap() { sqlite3 "$DB" .dump | md5sum; }

run kam --db $DB init --policy hubei
run kam --db $DB import customers "$F/hubei_customers.csv"
status_is 0 "the hubei fixture"

run kam --db $DB code next 420502
status_is 0 "next code under 宜昌 西陵区"
want=$(q "SELECT printf('%05d', max(code / 1000 % 100000) + 1) FROM customers WHERE code / 100000000 = 420502")
is "$out" "420502${want}000" "the largest sequence used + 1, branch 000"
like "$err" "largest sequence used under 420502 is" "with the arithmetic"

run kam --db $DB code next 420117
is "$out" "42011700001000" "a division without codes starts at 00001"

run kam --json --db $DB code next 420502
like "$out" '"division": "西陵区"' "--json names the division"
like "$out" '"city": "宜昌市"' "and its city"

# A customer's branch: its head office's first 11 digits, largest branch + 1.
run kam --db $DB code next --branch-of 42050200001000
is "$out" "42050200001001" "first branch of a head office"
run kam --db $DB customer add 42050200001001 --name 分公司一 --place city --city 宜昌市
status_is 0 "the branch added"
run kam --db $DB code next 420502 --branch-of 42050200001000
is "$out" "42050200001002" "next branch after 001"
run kam --db $DB code next 420102 --branch-of 42050200001000
status_is 1 "a head office under another division is refused"
like "$err" "is not under division 420102" "saying so"

before=$(snap)
run kam --db $DB code next 420101
status_is 1 "a division not in the shipped table is refused"
like "$err" "administrative division '420101' is not in the table shipped for hubei" "naming the division and the table"
run kam --json --db $DB code next 420101
like "$out" '"status": 1' "--json: the error document"
run kam --db $DB code next --branch-of 42050200099000
status_is 1 "a branch of a head office not stored is refused"
like "$err" "no head office 42050200099000" "saying which"
run kam --db $DB code next 42050
status_is 2 "a division code of 5 digits is a usage error"
# A full division: sequence 99999 used.
q "INSERT INTO customers(code, name, place, city) VALUES (42011399999000, 'full', 'capital', '武汉市')"
before=$(snap)
run kam --db $DB code next 420113
status_is 1 "a full division is refused"
like "$err" "division 420113 is full: its largest sequence is 99999" "saying so"
q "INSERT INTO customers(code, name, place, city) VALUES (42011300001999, 'b999', 'capital', '武汉市')"
q "INSERT INTO customers(code, name, place, city) VALUES (42011300001000, 'head', 'capital', '武汉市')"
run kam --db $DB code next --branch-of 42011300001000
status_is 1 "a head office with branch 999 used is full"
like "$err" "head office 42011300001000 is full" "saying so"

# Lost and merged customers keep their codes: the next code passes them.
last=$(q "SELECT max(code) FROM customers WHERE code / 100000000 = 420502")
run kam --db $DB customer deactivate $last --reason "迁出"
status_is 0 "the customer with the largest sequence deactivated"
run kam --db $DB code next 420502
is "$out" "420502$(printf '%05d' $((10#$want)))000" "a deactivated customer's sequence stays used"

# A stored code never changes.
before=$(snap)
run kam --db $DB customer set 42050200001000 --code 42050200007777
status_is 1 "changing a code is refused"
like "$err" "a customer's code never changes once assigned (DOMAIN §2" "naming the rule"
is "$(snap)" "$before" "and nothing changed"
run sqlite3 $DB "UPDATE customers SET code = 42050200007777 WHERE code = 42050200001000"
like "$err" "a customer's code never changes once assigned" "SQL cannot change it either"
is "$(snap)" "$before" "still nothing changed"

# customer add without a code takes the next one of --admin-code; an unknown division is refused.
run kam --db $DB customer add --name 新客户 --place county --city 宜昌市 --county 秭归县 --admin-code 420527
status_is 0 "customer add with --admin-code"
like "$err" "customer 42052700001000 added" "gets the division's next code"
before=$(snap)
run kam --db $DB customer add --name 坏 --place city --city 宜昌市 --admin-code 420599
status_is 2 "an --admin-code not in the table is refused"
like "$err" "administrative division '420599' is not in the table shipped for hubei" "saying so"
run kam --db $DB customer add 42059900001000 --name 坏 --place city --city 宜昌市
status_is 1 "a code whose division is not in the table is refused"
is "$(snap)" "$before" "nothing written"
done_testing
