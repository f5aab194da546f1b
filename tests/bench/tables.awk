# tests/bench/tables.awk — the result tables, for the terminal (format=text) or results.md
# (format=markdown). run.sh calls it as
#   awk -F'\t' -v format=markdown -v rounds=R -v duration=D ... -f tables.awk \
#     targets.tsv modes.tsv summary.tsv memory.tsv
# targets.tsv: target, label, backends, peer (in run order); modes.tsv: mode, clients, title,
# sweep (yes for the kept-alive 100-byte modes that make up the concurrency sweep).

function row(cells, n,    i, line, width) {
  if (format == "markdown") {
    line = "|"
    for (i = 1; i <= n; i++) line = line " " cells[i] " |"
    return line
  }
  line = "  " sprintf("%-40s", cells[1])
  for (i = 2; i <= n; i++) {
    width = (i in widths) ? widths[i] : 10
    line = line sprintf("%" width "s", " " cells[i])  # the space: a long cell still stands apart
  }
  return line
}

function rule(n,    i, line) {
  if (format != "markdown") return ""
  line = "|---"
  for (i = 2; i <= n; i++) line = line "|---:"
  return line "|"
}

function heading(level, text) { return format == "markdown" ? level " " text : text }
function italic(text) { return format == "markdown" ? "_" text "_" : "  " text }
function ms(value) { return value == "NA" || value == "" ? "n/a" : value < 10 ? sprintf("%.2f ms", value) : sprintf("%.0f ms", value) }
function ratio(value) { return value == "NA" || value == "" ? "n/a" : sprintf("%.2f", value) }
function mib(kib) { return sprintf("%.1f MiB", kib / 1024) }

function setWidths(list,    n, w, i) {
  delete widths
  n = split(list, w, " ")
  for (i = 1; i <= n; i++) widths[i + 1] = w[i]
}

function modeTable(mode,    i, t, c, n) {
  print heading("###", title[mode])
  print ""
  n = split("target|backends|req/s|p50|p99|vs direct|vs HAProxy|errors|time-outs|overflows", c, "|")
  setWidths("9 9 9 9 10 11 7 10 10")
  print row(c, n)
  if (format == "markdown") print rule(n)
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (!((t, mode) in rps)) continue
    c[1] = label[t]; c[2] = backends[t]; c[3] = rps[t, mode] == "NA" ? "n/a" : rps[t, mode]
    c[4] = ms(p50[t, mode]); c[5] = ms(p99[t, mode])
    c[6] = ratio(vsDirect[t, mode]); c[7] = ratio(vsHaproxy[t, mode])
    c[8] = errors[t, mode]; c[9] = timeouts[t, mode]; c[10] = overflows[t, mode]
    if (failed[t, mode] > 0) c[8] = c[8] " (" failed[t, mode] " of " runs[t, mode] " runs gave no numbers)"
    print row(c, n)
  }
  print ""
  print italic("vs direct, vs HAProxy: the median over the rounds of this row's req/s divided by")
  print italic("direct's (by the HAProxy row with as many backends) in the same round; errors,")
  print italic("time-outs, overflows: totals over the " rounds " rounds.")
  print ""
}

function sweepTable(    i, j, t, c, n, m, mode, cells) {
  if (sweepCount < 2) return
  print heading("###", "Concurrency sweep: req/s, and p99 in brackets (kept-alive, 100 bytes)")
  print ""
  c[1] = "target"; c[2] = "backends"
  for (j = 1; j <= sweepCount; j++) c[j + 2] = clients[sweep[j]] " clients"
  n = sweepCount + 2
  setWidths("9 18 18 18 18 18 18")
  print row(c, n)
  if (format == "markdown") print rule(n)
  for (i = 1; i <= count; i++) {
    t = order[i]
    cells = 0
    c[1] = label[t]; c[2] = backends[t]
    for (j = 1; j <= sweepCount; j++) {
      mode = sweep[j]
      c[j + 2] = "n/a"
      if ((t, mode) in rps && rps[t, mode] != "NA") {
        c[j + 2] = rps[t, mode] " (" ms(p99[t, mode]) ")"
        cells++
      }
    }
    if (cells) print row(c, n)
  }
  print ""
}

function memoryTable(    i, t, c, m) {
  if (!memoryRows) return
  print heading("##", "Memory: " slow " clients each download " huge_mib " MiB at " rate / 1000000 \
    " MB/s, " rcvbuf / 1024 " KiB receive buffer")
  print ""
  m = split("target|RSS before|peak|growth|clients intact", c, "|")
  setWidths("12 12 12 16")
  print row(c, m)
  if (format == "markdown") print rule(m)
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (!(t in before)) continue
    c[1] = label[t]; c[2] = mib(before[t]); c[3] = mib(peak[t])
    c[4] = sprintf("%+.1f MiB", (peak[t] - before[t]) / 1024); c[5] = intact[t] "/" slowClients[t]
    print row(c, m)
  }
}

FNR == 1 { file++; next }  # each file's header
file == 1 { order[++count] = $1; label[$1] = $2; backends[$1] = $3; next }
file == 2 {
  modes[++modeCount] = $1; clients[$1] = $2; title[$1] = $3
  if ($4 == "yes") sweep[++sweepCount] = $1
  next
}
file == 3 {
  t = $1; m = $2
  rps[t, m] = $4; p50[t, m] = $5; p99[t, m] = $6; vsDirect[t, m] = $7; vsHaproxy[t, m] = $8
  errors[t, m] = $9; timeouts[t, m] = $10; overflows[t, m] = $11; runs[t, m] = $12
  failed[t, m] = $13
  next
}
file == 4 { before[$1] = $2; peak[$1] = $3; intact[$1] = $4; slowClients[$1] = $5; memoryRows++ }
END {
  print heading("##", "Throughput: median of " rounds " rounds of " duration " s per run (wrk -t1)")
  print ""
  for (i = 1; i <= modeCount; i++) modeTable(modes[i])
  sweepTable()
  memoryTable()
}
