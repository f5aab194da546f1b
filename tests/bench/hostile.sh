# tests/bench/hostile.sh — part 8's table of hostile requests (tests/http/hostile.tsv), sent to
# every HTTP target after the timed runs, sourced by run.sh. Not timed: what each proxy answers
# to a smuggling attempt, a malformed head or an oversized one, and whether it let a byte of it
# reach the backend; results.md shows the answers side by side.
#
# It reuses tests/http/hostile.py, as tests/http/compare.sh does: a recording backend that logs
# every connection that brings a byte, and a client that sends each row and reads the status.
# Each target gets a recorder of its own, so that the targets can be asked at the same time
# (each row waits 0.3 s for the backend's log): the HTTP peers with default buffers (buffer
# sizes do not change what a parser accepts) and every rsp part from 8 on, each with the same
# config as in the timed runs, but both sites on its recorder.

HTTP_TESTS=tests/http
HOSTILE_ROWS=$(grep -cv '^\(#.*\)\?$' "$HTTP_TESTS/hostile.tsv" || true)
THROUGHPUT_TARGETS=("${TARGETS[@]}")
HOSTILE_TARGETS=()

# hostile_backend NAME: a recorder for the target NAME, which start_http_targets starts next.
hostile_backend() {
  pick_port
  BACKEND_PORT=$PORT BACKEND_PORT2=$PORT
  start "recorder-$1" "$LOAD_CPU" python3 "$HTTP_TESTS/hostile.py" backend --port "$PORT" \
    --log "$WORK/hostile-$1.log"
  wait_listening "recorder-$1" "$PORT"
}

# Each target's answers, from hostile.py's table ("case  expected  answer (backend?)", columns
# two or more spaces apart), merged into one tab-separated table: case, clause, expected, then
# one answer per target.
merge_hostile() {
  local files=() target
  for target in "${HOSTILE_TARGETS[@]}"; do files+=("$WORK/hostile-$target.out"); done
  awk -F'\t' -v OFS='\t' '
    FILENAME == table { if ($0 !~ /^#/ && NF == 4) { order[++count] = $1; clause[$1] = $3; expected[$1] = $2 }; next }
    FNR == 1 { file++; next }
    { n = split($0, cell, /  +/); if (n >= 3 && (cell[1] in clause)) answer[file, cell[1]] = cell[3] }
    END {
      for (i = 1; i <= count; i++) {
        line = order[i] OFS clause[order[i]] OFS expected[order[i]]
        for (f = 1; f <= file; f++) line = line OFS (((f, order[i]) in answer) ? answer[f, order[i]] : "n/a")
        print line
      }
    }' table="$HTTP_TESTS/hostile.tsv" "$HTTP_TESTS/hostile.tsv" "${files[@]}" >"$WORK/hostile.tsv"
}

if ! command -v python3 >/dev/null; then
  note "the hostile requests were not sent: python3 is missing (tests/http/hostile.py needs it)"
elif [ -z "$(built_parts | tr ' ' '\n' | awk -v first="$FIRST_HTTP_PART" '$1 >= first')" ]; then
  note "the hostile requests were not sent: no rsp part from $FIRST_HTTP_PART on is built in $BIN"
else
  say "Hostile requests: the $HOSTILE_ROWS rows of $HTTP_TESTS/hostile.tsv to each HTTP target," \
    "all targets at once (not timed; about a minute)"
  TARGETS=()
  start_http_targets peers hostile_backend
  pids=()
  for target in "${TARGETS[@]}"; do
    HOSTILE_TARGETS+=("$target")
    timeout -k 5 600 python3 "$HTTP_TESTS/hostile.py" compare --table "$HTTP_TESTS/hostile.tsv" \
      --log "$WORK/hostile-$target.log" "$target=${PORT_OF[$target]}" \
      >"$WORK/hostile-$target.out" 2>&1 &
    pids+=($!)
    STARTED+=($!)
  done
  for index in "${!pids[@]}"; do
    wait "${pids[index]}" ||
      note "the hostile requests to ${LABEL[${HOSTILE_TARGETS[index]}]} failed: $(tail -n 2 "$WORK/hostile-${HOSTILE_TARGETS[index]}.out" | tr '\n' ' ')"
    forget "${pids[index]}"
  done
  stop_all
  merge_hostile
  for target in "${HOSTILE_TARGETS[@]}"; do
    printf '    %-40s %s\n' "${LABEL[$target]}" \
      "$(tail -n 1 "$WORK/hostile-$target.out" | sed 's/^[^:]*: //')"
  done
  TARGETS=("${THROUGHPUT_TARGETS[@]}")
fi
