#!/usr/bin/env bash
# kam report --format html opened in headless Chromium (Debian's chromium with
# fonts-noto-cjk, installed here when missing, as the Makefile's deps step installs its
# packages): the page loads, its four charts are in the DOM, no console message at all
# (the page has no script, so any message is an error), and the Chinese is drawn as
# glyphs, not boxes.  The screenshot is kept as $KAM_BUILD/report_html.png to look at.
source "$(dirname "$0")/lib.sh"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
missing=""
for p in chromium fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "# installing:$missing"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >"$T/apt.log" 2>&1 ||
    { $SUDO apt-get update >>"$T/apt.log" 2>&1 &&
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >>"$T/apt.log" 2>&1; }
fi
if ! command -v chromium >/dev/null || ! fc-list :lang=zh | grep -qi 'Noto Sans CJK'; then
  nok "chromium and fonts-noto-cjk are installed" "$(tail -5 "$T/apt.log" 2>/dev/null)"
  done_testing
  exit 1
fi
ok "chromium and fonts-noto-cjk are installed"

# shot PAGE PNG LOG [--dump-dom]: headless Chromium, console messages in LOG
shot() {
  local page=$1 png=$2 log=$3
  shift 3
  local flags=(--headless --disable-gpu --hide-scrollbars --user-data-dir="$T/profile" --window-size=1000,1400
               --enable-logging=stderr --v=0)
  [ "$(id -u)" = 0 ] && flags+=(--no-sandbox)
  if [ "${1:-}" = --dump-dom ]; then
    timeout 120 chromium "${flags[@]}" --dump-dom "file://$page" 2>"$log"
  else
    timeout 120 chromium "${flags[@]}" --screenshot="$png" "file://$page" >/dev/null 2>"$log"
  fi
}
# png_size FILE: "WIDTHxHEIGHT" from the IHDR chunk
png_size() {
  local w h
  w=$(od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
  h=$(od -An -tu1 -j20 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
  echo "${w}x${h}"
}

# The console check itself: a page that logs an error is caught.
printf '<!DOCTYPE html><html><body>x<script>console.error("boom")</script></body></html>' >bad.html
shot "$T/bad.html" "$T/bad.png" bad.log
grep -q ':CONSOLE' bad.log && ok "a console error is seen in Chromium's log (the check can fail)" ||
  nok "a console error is seen in Chromium's log" "$(grep -v dbus bad.log | tail -5)"

"$TOP/$KAM_BUILD/bench/genprovince" --customers 400 --out gen >/dev/null 2>&1
run kam --db p.db init --policy hubei
run kam --db p.db import customers gen/customers.csv
run kam --db p.db import ledger gen/ledger.csv
run kam --db p.db grade --year 2024 --as-of 2025-01-15
status_is 0 "a graded province"
run kam --db p.db report monthly --month 2025-06 -o monthly.html
status_is 0 "report monthly -o monthly.html"

shot "$T/monthly.html" "$T/monthly.png" monthly.log
status=$?
is "$status" 0 "Chromium renders the page"
[ -s monthly.png ] && [ "$(head -c 8 monthly.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
  ok "a PNG screenshot" || nok "a PNG screenshot"
is "$(png_size monthly.png)" "1000x1400" "of the window's size"
if grep ':CONSOLE' monthly.log; then nok "no console message"; else ok "no console message"; fi
cp monthly.png "$TOP/$KAM_BUILD/report_html.png" 2>/dev/null || true

shot "$T/monthly.html" "" dom.log --dump-dom >dom.html
is "$(grep -o '<svg' dom.html | wc -l | tr -d ' ')" "4" "the loaded page has its four charts"
like "$(cat dom.html)" "<h1>2025年6月大客户收入分析</h1>" "and its Chinese title"
is "$(grep -o '<polyline' dom.html | wc -l | tr -d ' ')" "2" "the trend draws two lines"

# Printed, the page is A4 (595 x 842 points) whatever Chromium's default paper.
pflags=(--headless --disable-gpu --user-data-dir="$T/profile" --no-pdf-header-footer --print-to-pdf="$T/monthly.pdf")
[ "$(id -u)" = 0 ] && pflags+=(--no-sandbox)
timeout 120 chromium "${pflags[@]}" "file://$T/monthly.html" >/dev/null 2>pdf.log
boxes=$(grep -a -o '/MediaBox \[[^]]*\]' monthly.pdf 2>/dev/null | sort -u)
case $boxes in
  "/MediaBox [0 0 594.9"*" 841.9"*"]") ok "printed on A4 ($(grep -a -c '/MediaBox' monthly.pdf) pages)" ;;
  *) nok "printed on A4" "boxes: $boxes" ;;
esac

# Boxes for missing glyphs all look alike: two different Chinese texts of the same length
# render differently only when the font has their glyphs.
for t in 大客户收入分析 物流月报表格式; do
  printf '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body style="font-family:sans-serif;font-size:40px">%s</body></html>' "$t" >"$t.html"
  shot "$T/$t.html" "$T/$t.png" "$t.log"
done
if [ -s 大客户收入分析.png ] && [ -s 物流月报表格式.png ] && ! cmp -s 大客户收入分析.png 物流月报表格式.png; then
  ok "Chinese is drawn as glyphs (two texts render differently)"
else
  nok "Chinese is drawn as glyphs (two texts render differently)"
fi
is "$(fc-match -f '%{family}' 'sans-serif:lang=zh-cn' | grep -c 'CJK')" "1" "the system's Chinese sans-serif is Noto Sans CJK"

done_testing
