# tests/bench/report.sh — the benchmark's results, sourced by run.sh once every process is
# stopped: summary.tsv (summary.awk), the tables (tables.awk) for the terminal and for
# results.md, the three charts (throughput.gp and concurrency.gp for relaying bytes, http.gp
# for HTTP), and results.md itself.

mkdir -p "$OUT"
rm -f "$OUT"/{results.md,throughput.png,concurrency.png,http.png,summary.tsv,hostile.tsv} \
  "$OUT"/*.dat
touch "$WORK/hostile.tsv"  # empty unless the hostile requests were sent
cp "$WORK/rounds.tsv" "$WORK/memory.tsv" "$OUT/"
[ -s "$WORK/hostile.tsv" ] && cp "$WORK/hostile.tsv" "$OUT/"

# What the awk scripts need to know about the targets and the modes, as two small tables.
{
  printf 'target\tlabel\tbackends\tpeer\tcontest\trole\n'
  for target in "${TARGETS[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${LABEL[$target]}" "${BACKENDS_OF[$target]}" \
      "${PEER_OF[$target]}" "${CONTEST_OF[$target]}" "${ROLE_OF[$target]}"
  done
} >"$OUT/targets.tsv"
{
  printf 'mode\tclients\ttitle\tsweep\n'
  for mode in "${SELECTED[@]}"; do
    sweep=no
    [[ $mode == small || $mode == c[0-9]* ]] && sweep=yes
    printf '%s\t%s\t%s\t%s\n' "$mode" "${MODE_CLIENTS[$mode]}" "${MODE_TITLE[$mode]}" "$sweep"
  done
} >"$OUT/modes.tsv"

awk -F'\t' -v OFS='\t' -f "$BENCH_DIR/summary.awk" "$OUT/targets.tsv" "$OUT/rounds.tsv" \
  >"$OUT/summary.tsv"
for format in text markdown; do
  awk -F'\t' -v format="$format" -v rounds="$ROUNDS" -v duration="$DURATION" \
    -v slow="$SLOW_CLIENTS" -v huge_mib="$huge_mib" -v rate="$SLOW_RATE" -v rcvbuf="$SLOW_RCVBUF" \
    -v hostileFile="$WORK/hostile.tsv" -v hostileTargets="${HOSTILE_TARGETS[*]:-}" \
    -f "$BENCH_DIR/tables.awk" "$OUT/targets.tsv" "$OUT/modes.tsv" "$OUT/summary.tsv" \
    "$OUT/memory.tsv" "$WORK/hostile.tsv" >"$WORK/tables.$format"
done

# ratios_data CONTEST MODES OUT: one line per proxy of CONTEST (not direct): its label and its
# ratio to direct in each of MODES (comma-separated), NA where a mode did not run. Prints how
# many lines it wrote.
ratios_data() {
  awk -F'\t' -v OFS='\t' -v contest="$1" -v modes="$2" '
    FNR == 1 { file++; next }
    file == 1 { if ($5 == contest) order[++count] = $1; label[$1] = $2; next }
    { ratio[$1, $2] = $7; if ($7 != "NA") seen[$1] = 1 }
    END {
      n = split(modes, m, ",")
      for (i = 1; i <= count; i++) {
        t = order[i]
        if (!(t in seen)) continue
        line = label[t]
        for (j = 1; j <= n; j++) line = line OFS (((t, m[j]) in ratio) ? ratio[t, m[j]] : "NA")
        print line
        lines++
      }
      print lines + 0 >"/dev/stderr"
    }' "$OUT/targets.tsv" "$OUT/summary.tsv" 2>&1 >"$3"
}

# sweep_data CONTEST BACKENDS OUT: the concurrency sweep for direct and the targets of CONTEST
# with BACKENDS backends (any, if empty): a column per target, a line per number of clients
# (sweep-panel.gp's file). Prints the panel's gnuplot settings: count, and a colour, width,
# dash type and point type per target, by its role: the last rsp part, HAProxy and nginx bold,
# direct dashed black, the 64 KiB rows thin, the earlier parts faint.
sweep_data() {
  awk -F'\t' -v OFS='\t' -v contest="$1" -v backends="$2" -v out="$3" '
    FNR == 1 { file++; next }
    file == 1 {
      if ($5 == "both" || ($5 == contest && (backends == "" || $3 == backends))) {
        order[++count] = $1; role[$1] = $6; if ($6 == "part") last = $1
      }
      label[$1] = $2; next
    }
    file == 2 { if ($4 == "yes") sweep[++points] = $1; clients[$1] = $2; next }
    { rps[$1, $2] = $4 }
    END {
      style["direct"] = "#000000 2 2 1"
      style["haproxy"] = "#1f5fa8 3.5 1 5"; style["haproxy-64k"] = "#1f5fa8 1.5 4 4"
      style["nginx"] = "#2e8b3a 3.5 1 7"; style["nginx-64k"] = "#2e8b3a 1.5 4 6"
      style["last"] = "#d62728 4 1 9"; style["part"] = "#b8b8b8 1.5 1 1"
      style["lua"] = "#ff7f0e 2 2 3"
      line = "clients"
      for (i = 1; i <= count; i++) line = line OFS label[order[i]]
      print line >out
      for (j = 1; j <= points; j++) {
        line = clients[sweep[j]]
        for (i = 1; i <= count; i++)
          line = line OFS (((order[i], sweep[j]) in rps) ? rps[order[i], sweep[j]] : "NA")
        print line >out
      }
      for (i = 1; i <= count; i++) {
        split(style[order[i] == last ? "last" : role[order[i]]], s, " ")
        colours = colours " " s[1]; widths = widths " " s[2]; dashes = dashes " " s[3]
        marks = marks " " s[4]
      }
      printf "count%%s=%d; colours%%s=\"%s\"; widths%%s=\"%s\"; dashes%%s=\"%s\"; points%%s=\"%s\"",
        count, colours, widths, dashes, marks
    }' "$OUT/targets.tsv" "$OUT/modes.tsv" "$OUT/summary.tsv"
}

# gnuplot may exit 0 after an error in the script: an empty picture is the sign.
chart() {  # chart OUTFILE SCRIPT SETTINGS
  gnuplot -e "outfile='$1'; benchdir='$BENCH_DIR'; $3" "$BENCH_DIR/$2" 2>"$WORK/gnuplot.err" || true
  [ -s "$1" ] || note "gnuplot made no $1: $(grep -v '^ *$' "$WORK/gnuplot.err" | tail -n 2 | tr '\n' ' ')"
}
sweep_points=$(awk -F'\t' 'NR > 1 && $4 == "yes"' "$OUT/modes.tsv" | wc -l)

# Relaying bytes. The first chart: each proxy's small, large and close ratios to direct.
if [ "$(ratios_data tcp small,large,close "$OUT/throughput.dat")" -gt 0 ]; then
  chart "$OUT/throughput.png" throughput.gp "datafile='$OUT/throughput.dat'; rounds=$ROUNDS"
fi
# The second: the concurrency sweep, a panel per number of backends (1, and 2 when a part
# balances), each with direct as the ceiling.
panels=0 settings=""
for backends in 1 2; do
  if [ "$sweep_points" -ge 2 ] && awk -F'\t' -v b="$backends" 'NR > 1 && $5 == "tcp" && $3 == b { found = 1 }
      END { exit !found }' "$OUT/targets.tsv"; then
    panels=$((panels + 1))
    style=$(sweep_data tcp "$backends" "$OUT/concurrency-$backends.dat")
    settings+="file$panels='$OUT/concurrency-$backends.dat'; ${style//%s/$panels}; "
    if [ "$backends" = 1 ]; then settings+="title$panels='One backend'; "
    else settings+="title$panels='Two backends, round robin (parts 6 on, and the peers over both)'; "; fi
  fi
done
if [ "$panels" -gt 0 ]; then
  chart "$OUT/concurrency.png" concurrency.gp "rounds=$ROUNDS; panels=$panels; $settings"
fi

# HTTP: ratios to direct in the single-number modes, and the sweep, in one chart.
if [ "$(ratios_data http small,large,close,sites "$OUT/http-ratios.dat")" -gt 0 ]; then
  style=$(sweep_data http "" "$OUT/http-sweep.dat")
  [ "$sweep_points" -ge 2 ] || style="count%s=0"
  chart "$OUT/http.png" http.gp "rounds=$ROUNDS; ratios='$OUT/http-ratios.dat';
    file='$OUT/http-sweep.dat'; ${style//%s/}"
fi

LOAD_RANGE=$(awk -F'\t' 'NR > 1 { if (min == "" || $11 < min) min = $11; if ($11 > max) max = $11 }
  END { print min == "" ? "n/a (no timed runs)" : min " to " max }' "$OUT/rounds.tsv")

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
  echo "- nginx $NGINX_VERSION (backend, and the stream peer), HAProxy $HAPROXY_VERSION, wrk $WRK_VERSION${REDIS_VERSION:+, Redis $REDIS_VERSION}"
  echo "- Load average (1, 5, 15 min; the machine may be shared): $LOAD_START at the start," \
    "$LOAD_END at the end; the 1-minute load ranged from $LOAD_RANGE over the runs" \
    "(column load1 of \`rounds.tsv\`). Two cores with a load above 2 means other work competed" \
    "with the benchmark: read ratios, not absolute numbers."
  echo
  echo "## The rows"
  echo
  echo "- **direct**: wrk straight to the backend (nginx, one worker), no proxy: the ceiling."
  echo "- Relaying bytes, parts 2-7: **HAProxy** (\`mode tcp\`, one thread) and **nginx stream** (one"
  echo "  worker) with their default 16 KiB buffers; the rows marked *64 KiB buffers* differ only by"
  echo "  \`tune.bufsize 65536\` and \`proxy_buffer_size 64k\`: what the buffer size alone is worth."
  echo "- HTTP, parts 8 on: **HAProxy http** (\`mode http\`, one thread, keep-alive both sides,"
  echo "  \`http-reuse safe\`, \`option forwardfor\`) and **nginx http** (one worker, \`proxy_http_version"
  echo "  1.1\`, \`proxy_set_header Connection \"\"\`, upstream \`keepalive 32\`, X-Forwarded-For), with"
  echo "  the same two sites on one port as the rsp parts (b.test to the backend's second port, every"
  echo "  other Host to the first). Default buffers: HAProxy 16 KiB per direction, nginx 8 × 4 KiB"
  echo "  for a reply (\`proxy_max_temp_file_size 0\`: no spilling to disk, rsp has none); *64 KiB"
  echo "  buffers*: \`tune.bufsize 65536\`, \`proxy_buffer_size 64k\` and \`proxy_buffers 4 64k\`."
  echo "- **rsp-partN**: every part from 2 on that was built. Part 1 is left out (one client at a time)."
  echo "  Part 8 closes every client connection after one response (its deliberate limit, lifted by"
  echo "  part 9): wrk reads \`Connection: close\` and reconnects, so its kept-alive modes are really"
  echo "  a new connection per request, and every request opens a backend connection."
  echo "- **backends**: 1 = every connection goes to the backend's first port; 2 = balanced round"
  echo "  robin over its two ports (parts 6 on, and the peers' *2 backends* rows, HAProxy"
  echo "  \`balance roundrobin\` with two servers and nginx stream with an upstream of two). Both ports"
  echo "  are served by the same nginx worker, so every row has the same backend capacity behind it."
  echo "  *(chooseBackend)* is the last part with a Lua function choosing each new client's backend."
  if [ -n "${REDIS_VERSION:-}" ]; then
    echo "- Routed by Redis (modes \`redis\` and \`redis-cold\`): **rsp-part$REDIS_PART** with part 10's"
    echo "  \`route(request)\` and **nginx + Lua** (\`libnginx-mod-http-lua\`, \`nginx-lua-redis.conf\`),"
    echo "  one worker, both asking a Redis $REDIS_VERSION (on the backend's CPU) for \`site:<host>\` with"
    echo "  part 10's own \`redis.lua\`, one connection per lookup; \`site:a.test\` and \`site:b.test\` name"
    echo "  the backend's two ports. *cache hot*: each answer kept 5 s, so Redis is asked about once per"
    echo "  Host; *cache cold*: kept 0 s, so every request asks. wrk alternates \`Host: a.test\` and"
    echo "  \`Host: b.test\` on every connection, as in the two-site mode. Both keep up to $((MAX_CLIENTS + 100))"
    echo "  idle backend connections. The notes give each row's Redis GETs per 1,000 requests."
  fi
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
  echo "| backend conns per 1k req | the connections the backend accepted per 1,000 requests it served (its \`stub_status\` counters, read before and after each run; wrk's own probe connection before each run included): a kept-alive proxy that reuses its backend connections is near 0, one connection per request is 1000 |"
  echo "| overflows | the kernel's ListenOverflows counter during this row's runs: connection attempts dropped because a listening socket's accept queue (4096) was full, at the proxy or at the backend; machine-wide, so another program's overflows would count too |"
  echo "| RSS, growth | the proxy's resident memory (for nginx, the worker's) before the slow clients, and its peak while they download |"
  echo "| clients intact | slow clients that received every byte of their download, checked against the pattern |"
  echo
  cat "$WORK/tables.markdown"
  echo
  [ -f "$OUT/throughput.png" ] && echo "![Relaying bytes: requests per second relative to a direct connection](throughput.png)" && echo
  [ -f "$OUT/concurrency.png" ] && echo "![Relaying bytes: requests per second against the number of clients](concurrency.png)" && echo
  [ -f "$OUT/http.png" ] && echo "![HTTP: requests per second relative to a direct connection, and against the number of clients](http.png)"
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
charts=""
for picture in throughput concurrency http; do [ -f "$OUT/$picture.png" ] && charts+=", $picture.png"; done
say "Wrote $OUT/results.md$charts and the raw numbers ($OUT/rounds.tsv, memory.tsv, summary.tsv)"
