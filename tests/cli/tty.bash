# Terminal helpers for CLI tests that drive a real terminal (tmux): source it after lib.sh.
# (Not a test itself: tests/run-tests runs the *.sh files.)  Each tty_start gets a tmux
# server of its own, on a socket of its own, so that a server still shutting down never
# meets the next.  Every wait polls the screen with a generous limit (WAIT seconds, for a
# loaded machine); nothing depends on the machine's speed.
SOCK=$T/tmux.0.sock nsession=0
WAIT=${KAM_TTY_WAIT:-120}
tm() { LC_ALL=C.UTF-8 tmux -u -S "$SOCK" "$@"; }
trap 'for s in "$T"/tmux.*.sock; do LC_ALL=C.UTF-8 tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$T"' EXIT

screen() { tm capture-pane -p -t repl -S -200 2>/dev/null; }
# wait_for TEXT: poll until the screen holds TEXT (0), or WAIT seconds pass (1)
wait_for() {
  local end=$(( $(date +%s) + WAIT ))
  while [ "$(date +%s)" -lt "$end" ]; do
    case $(screen) in *"$1"*) return 0 ;; esac
    sleep 0.2
  done
  return 1
}
# count_of TEXT: how many lines of the screen hold TEXT
count_of() { screen | grep -cF -- "$1"; }
# wait_count TEXT N: poll until TEXT is on N lines
wait_count() {
  local end=$(( $(date +%s) + WAIT ))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(count_of "$1")" -ge "$2" ] && return 0
    sleep 0.2
  done
  return 1
}
type_line() { tm send-keys -t repl -l -- "$1"; tm send-keys -t repl Enter; }
# check CMD...: ok "$DESC" when CMD succeeds, else not ok with the screen's last lines
check() { if "$@"; then ok "$DESC"; else nok "$DESC" "screen:" "$(screen | grep -v '^$' | tail -25)"; fi; }

# tty_start COMMAND: a fresh terminal (150x50, session "repl") running the shell COMMAND.
tty_start() {
  tm kill-server 2>/dev/null
  nsession=$((nsession + 1)) SOCK=$T/tmux.$nsession.sock
  # The server in the foreground (-D), started by this shell: a daemon's start would
  # also need /dev/null to be the character device it should be.
  tm -D 2>>"$T/tmux.err" &
  local end=$(( $(date +%s) + WAIT ))
  while [ ! -S "$SOCK" ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
  tm new-session -d -s repl -x 150 -y 50 "$1" 2>>"$T/tmux.err"
  if ! tm has-session -t repl 2>/dev/null; then
    # nothing below can pass: say why at once instead of waiting on every screen
    nok "tmux starts a terminal" "$(cat "$T/tmux.err")" "(/dev/null: $(ls -l /dev/null))"
    done_testing; exit 1
  fi
}
