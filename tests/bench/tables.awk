# tests/bench/tables.awk — the result tables, for the terminal (format=text) or results.md
# (format=markdown), from summary.tsv and memory.tsv. run.sh passes the settings to quote
# (rounds, duration, connections, slow clients) and `labels`, "name=Label;..." in run order.

function row(cells, n,    i, line, width) {
  if (format == "markdown") {
    line = "|"
    for (i = 1; i <= n; i++) line = line " " cells[i] " |"
    return line
  }
  line = "  " sprintf("%-22s", cells[1])
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

function heading(text) { return format == "markdown" ? "### " text : text }
function ms(value) { return value == "NA" ? "n/a" : sprintf("%.2f ms", value) }
function ratio(value) { return value == "NA" ? "n/a" : sprintf("%.2f", value) }
function mib(kib) { return sprintf("%.1f MiB", kib / 1024) }

function throughput(size, title,    i, t, c, n) {
  print heading(title)
  if (format == "markdown") print ""
  n = split("target|req/s|p50|p99|vs direct|vs HAProxy|errors", c, "|")
  print row(c, n)
  if (format == "markdown") print rule(n)
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (!((t, size) in rps)) continue
    c[1] = label[t]; c[2] = rps[t, size] == "NA" ? "n/a" : rps[t, size]
    c[3] = ms(p50[t, size]); c[4] = ms(p99[t, size])
    c[5] = ratio(vsDirect[t, size]); c[6] = ratio(vsHaproxy[t, size])
    c[7] = errors[t, size] + 0
    if (failed[t, size] > 0) c[7] = c[7] " (" failed[t, size] " runs gave no numbers)"
    print row(c, n)
  }
  print ""
}

BEGIN {
  n = split(labels, pairs, ";")
  for (i = 1; i < n; i++) { split(pairs[i], kv, "="); order[++count] = kv[1]; label[kv[1]] = kv[2] }
  widths[2] = 10; widths[3] = 10; widths[4] = 10; widths[5] = 11; widths[6] = 12; widths[7] = 8
}
FNR == 1 { file++; next }  # each file's header
file == 1 {
  t = $1; s = $2
  rps[t, s] = $3; p50[t, s] = $4; p99[t, s] = $5; vsDirect[t, s] = $6; vsHaproxy[t, s] = $7
  errors[t, s] = $8; failed[t, s] = $9
}
file == 2 { before[$1] = $2; peak[$1] = $3; intact[$1] = $4; clients[$1] = $5 }
END {
  print (format == "markdown" ? "## " : "") "Throughput: median of " rounds " rounds of " duration " s each (wrk -t1)"
  print ""
  throughput("small", "Small file: 100 bytes, " small_conn " connections")
  throughput("large", "Large file: 1 MiB, " large_conn " connections")

  print (format == "markdown" ? "## " : "") "Memory: " slow " clients each download " huge_mib " MiB at " \
    rate / 1000000 " MB/s, " rcvbuf / 1024 " KiB receive buffer"
  print ""
  m = split("target|RSS before|peak|growth|clients intact", c, "|")
  widths[2] = 12; widths[3] = 12; widths[4] = 12; widths[5] = 16
  print row(c, m)
  if (format == "markdown") print rule(m)
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (!(t in before)) continue
    c[1] = label[t]; c[2] = mib(before[t]); c[3] = mib(peak[t])
    c[4] = sprintf("%+.1f MiB", (peak[t] - before[t]) / 1024); c[5] = intact[t] "/" clients[t]
    print row(c, m)
  }
}
