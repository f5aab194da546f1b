# tests/bench/report.sh — the benchmark's results, sourced by run.sh once every process is
# stopped: summary.tsv (summary.awk), the tables (tables.awk) for the terminal and for
# results.md, the two charts (throughput.gp, concurrency.gp), and results.md itself.

mkdir -p "$OUT"
rm -f "$OUT"/{results.md,throughput.png,concurrency.png,throughput.dat,concurrency.dat,summary.tsv}
cp "$WORK/rounds.tsv" "$WORK/memory.tsv" "$OUT/"

# What the awk scripts need to know about the targets and the modes, as two small tables.
{
  printf 'target\tlabel\tbackends\tpeer\n'
  for target in "${TARGETS[@]}"; do
    printf '%s\t%s\t%s\t%s\n' "$target" "${LABEL[$target]}" "${BACKENDS_OF[$target]}" "${PEER_OF[$target]}"
  done
} >"$OUT/targets.tsv"
{
  printf 'mode\tclients\ttitle\tsweep\n'
  for mode in "${SELECTED[@]}"; do
    sweep=no
    [ "${MODE_PATH[$mode]}" = /small ] && [ "$mode" != close ] && sweep=yes
    printf '%s\t%s\t%s\t%s\n' "$mode" "${MODE_CLIENTS[$mode]}" "${MODE_TITLE[$mode]}" "$sweep"
  done
} >"$OUT/modes.tsv"

awk -F'\t' -v OFS='\t' -f "$BENCH_DIR/summary.awk" "$OUT/targets.tsv" "$OUT/rounds.tsv" \
  >"$OUT/summary.tsv"
for format in text markdown; do
  awk -F'\t' -v format="$format" -v rounds="$ROUNDS" -v duration="$DURATION" \
    -v slow="$SLOW_CLIENTS" -v huge_mib="$huge_mib" -v rate="$SLOW_RATE" -v rcvbuf="$SLOW_RCVBUF" \
    -f "$BENCH_DIR/tables.awk" "$OUT/targets.tsv" "$OUT/modes.tsv" "$OUT/summary.tsv" \
    "$OUT/memory.tsv" >"$WORK/tables.$format"
done

# The first chart: one line per proxy, its label and its small, large and close ratios to direct.
awk -F'\t' -v OFS='\t' '
  FNR == 1 { file++; next }
  file == 1 { if ($1 != "direct") order[++count] = $1; label[$1] = $2; next }
  { ratio[$1, $2] = $7 }
  function get(t, m) { return (t, m) in ratio ? ratio[t, m] : "NA" }
  END { for (i = 1; i <= count; i++) { t = order[i]; print label[t], get(t, "small"), get(t, "large"), get(t, "close") } }
' "$OUT/targets.tsv" "$OUT/summary.tsv" >"$OUT/throughput.dat"
# gnuplot may exit 0 after an error in the script: an empty picture is the sign.
chart() {  # chart OUTFILE SCRIPT SETTINGS
  gnuplot -e "outfile='$1'; $3" "$BENCH_DIR/$2" 2>"$WORK/gnuplot.err" || true
  [ -s "$1" ] || note "gnuplot made no $1: $(grep -v '^ *$' "$WORK/gnuplot.err" | tail -n 2 | tr '\n' ' ')"
}
chart "$OUT/throughput.png" throughput.gp "datafile='$OUT/throughput.dat'; rounds=$ROUNDS"

# The second chart: a column per target, a line per number of clients in the sweep.
awk -F'\t' -v OFS='\t' '
  FNR == 1 { file++; next }
  file == 1 { order[++count] = $1; label[$1] = $2; next }
  file == 2 { if ($4 == "yes") sweep[++points] = $1; clients[$1] = $2; next }
  { rps[$1, $2] = $4 }
  END {
    line = "clients"
    for (i = 1; i <= count; i++) line = line OFS label[order[i]]
    print line
    for (j = 1; j <= points; j++) {
      line = clients[sweep[j]]
      for (i = 1; i <= count; i++) line = line OFS (((order[i], sweep[j]) in rps) ? rps[order[i], sweep[j]] : "NA")
      print line
    }
  }' "$OUT/targets.tsv" "$OUT/modes.tsv" "$OUT/summary.tsv" >"$OUT/concurrency.dat"
dashes=""
for target in "${TARGETS[@]}"; do [[ $target == part* ]] && dashes+="2 " || dashes+="1 "; done
if [ "$(wc -l <"$OUT/concurrency.dat")" -ge 3 ]; then
  chart "$OUT/concurrency.png" concurrency.gp "datafile='$OUT/concurrency.dat'; rounds=$ROUNDS;
    targets=${#TARGETS[@]}; dashes='$dashes'"
fi

LOAD_RANGE=$(awk -F'\t' 'NR > 1 { if (min == "" || $11 < min) min = $11; if ($11 > max) max = $11 }
  END { print min " to " max }' "$OUT/rounds.tsv")

{
  echo "# rsp benchmark: $DATE"
  echo
  echo -n "\`./tutorial bench${ARGS:+ $ARGS}\` on commit \`$COMMIT\`"
  if [ "$QUICK" = yes ]; then echo " (quick mode: a look while developing, not a result)."; else echo "."; fi
  echo
  echo "## Machine"
  echo
  echo "- CPU: $CPU_MODEL, $CORES cores (proxies pinned to CPU $PROXY_CPU; wrk, the backend and the slow clients to CPU $LOAD_CPU)"
  echo "- Kernel: $KERNEL; descriptor limit for every process the benchmark starts: $FD_LIMIT;" \
    "net.ipv4.tcp_tw_reuse = $TW_REUSE"
  echo "- nginx $NGINX_VERSION (backend, and the stream peer), HAProxy $HAPROXY_VERSION, wrk $WRK_VERSION"
  echo "- Load average (1, 5, 15 min; the machine may be shared): $LOAD_START at the start," \
    "$LOAD_END at the end; the 1-minute load ranged from $LOAD_RANGE over the runs" \
    "(column load1 of \`rounds.tsv\`). Two cores with a load above 2 means other work competed" \
    "with the benchmark: read ratios, not absolute numbers."
  echo
  echo "## The rows"
  echo
  echo "- **direct**: wrk straight to the backend (nginx, one worker), no proxy: the ceiling."
  echo "- **HAProxy** (\`mode tcp\`, one thread) and **nginx stream** (one worker) with their default"
  echo "  16 KiB buffers; the rows marked *64 KiB buffers* differ only by \`tune.bufsize 65536\` and"
  echo "  \`proxy_buffer_size 64k\`: what the buffer size alone is worth."
  echo "- **rsp-partN**: every part from 2 on that was built. Part 1 is left out (one client at a time)."
  echo "- **backends**: 1 = every connection goes to the backend's first port; 2 = balanced round"
  echo "  robin over its two ports (parts 6 on, and the peers' *2 backends* rows, HAProxy"
  echo "  \`balance roundrobin\` with two servers and nginx stream with an upstream of two). Both ports"
  echo "  are served by the same nginx worker, so every row has the same backend capacity behind it."
  echo "  *(chooseBackend)* is the last part with a Lua function choosing each new client's backend."
  echo
  echo "## The columns"
  echo
  echo "| column | meaning |"
  echo "|---|---|"
  echo "| req/s | median over the rounds of wrk's requests per second |"
  echo "| p50, p99 | medians over the rounds of wrk's 50th and 99th percentile latency, of the requests that completed within the time-out (n/a if none did) |"
  echo "| vs direct | in each round, this row's req/s ÷ direct's req/s in the same mode; then the median of those per-round ratios (so not req/s ÷ req/s of this table) |"
  echo "| vs HAProxy | the same against the HAProxy row (default buffers) with as many backends as this row |"
  echo "| errors | wrk's connect, read and write errors and non-2xx replies, summed over the rounds |"
  echo "| time-outs | requests wrk gave up on after ${WRK_TIMEOUT} s, summed over the rounds |"
  echo "| overflows | the kernel's ListenOverflows counter during this row's runs: connection attempts dropped because a listening socket's accept queue (4096) was full, at the proxy or at the backend; machine-wide, so another program's overflows would count too |"
  echo "| RSS, growth | the proxy's resident memory (for nginx, the worker's) before the slow clients, and its peak while they download |"
  echo "| clients intact | slow clients that received every byte of their download, checked against the pattern |"
  echo
  cat "$WORK/tables.markdown"
  echo
  echo "![Requests per second relative to a direct connection](throughput.png)"
  [ -f "$OUT/concurrency.png" ] && echo && echo "![Requests per second against the number of clients](concurrency.png)"
  if [[ " ${SELECTED[*]} " == *" close "* ]]; then
    echo
    echo "In the new-connection runs, up to $TIME_WAIT_MAX sockets waited in TIME_WAIT at once (\`ss -s\`," \
      "machine-wide); connect errors, had local ports run out, would show in the errors column."
  fi
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    echo "## Notes"
    echo
    for line in "${NOTES[@]}"; do echo "- $line"; done
  fi
  echo
  echo "Every run's numbers are in \`rounds.tsv\`, the memory runs in \`memory.tsv\`; how to read"
  echo "them: \`tests/bench/README.md\`."
} >"$OUT/results.md"

echo
cat "$WORK/tables.text"
echo
say "Wrote $OUT/results.md, throughput.png, concurrency.png and the raw numbers" \
  "($OUT/rounds.tsv, memory.tsv, summary.tsv)"
