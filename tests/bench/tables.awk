# tests/bench/tables.awk — the result tables, for the terminal (format=text) or results.md
# (format=markdown). run.sh calls it as
#   awk -F'\t' -v format=markdown -v rounds=R -v duration=D ... -f tables.awk \
#     -v hostileFile=hostile.tsv -v hostileTargets="..." targets.tsv modes.tsv summary.tsv \
#     memory.tsv hostile.tsv
# targets.tsv: target, label, backends, peer, contest (tcp, http or both), role (in run order);
# modes.tsv: mode, clients, title, sweep (yes for the kept-alive 100-byte modes that make up
# the concurrency sweep); hostile.tsv (may be empty): case, clause, rsp's answer, then one
# answer per target of hostileTargets (a space-separated list of target names).
# The throughput tables come in two sections: relaying bytes (parts 2-7 and the TCP peers) and
# HTTP (parts 8 on and the HTTP peers); and a third, routing by Redis (the last part from 10 on
# and nginx + Lua, contest "redis"), when its modes ran. direct, the ceiling, is in each.

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

# Is target t in the section of contest `contest`?
function inContest(t, contest) { return targetContest[t] == "both" || targetContest[t] == contest }

# How many of contest's rows (not direct) have numbers for mode.
function contestRows(mode, contest,    i, t, rows) {
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (targetContest[t] == contest && (t, mode) in rps) rows++
  }
  return rows
}

function modeTable(mode, contest,    i, t, c, n, peer) {
  print heading("###", title[mode])
  print ""
  peer = contest == "redis" ? "nginx + Lua" : "HAProxy"
  n = split("target|backends|req/s|p50|p99|vs direct|vs " peer "|errors|time-outs|overflows|backend conns per 1k req", c, "|")
  setWidths("9 9 9 9 10 " (contest == "redis" ? 15 : 11) " 7 10 10 10")
  if (format != "markdown") c[11] = "conns/1k"
  print row(c, n)
  if (format == "markdown") print rule(n)
  for (i = 1; i <= count; i++) {
    t = order[i]
    if (!((t, mode) in rps) || !inContest(t, contest)) continue
    c[1] = label[t]; c[2] = backends[t]; c[3] = rps[t, mode] == "NA" ? "n/a" : rps[t, mode]
    c[4] = ms(p50[t, mode]); c[5] = ms(p99[t, mode])
    c[6] = ratio(vsDirect[t, mode]); c[7] = ratio(vsHaproxy[t, mode])
    if (t == "direct" && contest != "tcp") c[7] = "n/a"  # its ratio is to HAProxy mode tcp
    c[8] = errors[t, mode]; c[9] = timeouts[t, mode]; c[10] = overflows[t, mode]
    c[11] = perThousand[t, mode] == "NA" || perThousand[t, mode] == "" ? "n/a" : perThousand[t, mode]
    if (failed[t, mode] > 0) c[8] = c[8] " (" failed[t, mode] " of " runs[t, mode] " runs gave no numbers)"
    print row(c, n)
  }
  print ""
  if (contest == "redis") {
    print italic("vs direct, vs nginx + Lua: the median over the rounds of this row's req/s divided")
    print italic("by direct's (by nginx + Lua's in this mode) in the same round; errors,")
  } else {
    print italic("vs direct, vs HAProxy: the median over the rounds of this row's req/s divided by")
    print italic("direct's (by the HAProxy row with as many backends) in the same round; errors,")
  }
  print italic("time-outs, overflows: totals over the " rounds " rounds; backend conns per 1k req:")
  print italic("connections the backend accepted per 1,000 requests it served, all rounds together.")
  print ""
}

function sweepTable(contest,    i, j, t, c, n, m, mode, cells) {
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
    if (!inContest(t, contest)) continue
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

# Part 8's hostile requests: each target's answer beside what rsp's own test expects.
function hostileTable(    n, i, j, c, m, same) {
  if (!hostileCount || hostileDone++) return
  n = split(hostileTargets, names, " ")
  print heading("##", "Hostile requests: part 8's table (tests/http/hostile.tsv), not timed")
  print ""
  print italic("Each cell: the status the target answered (or closed, reset, timeout, no-status) and,")
  print italic("in brackets, whether a byte of the request reached the backend. \"rsp expects\": what")
  print italic("part 8's tests assert; the HTTP peers run with their default buffers.")
  print ""
  m = split("case|RFC|rsp expects", c, "|")
  for (j = 1; j <= n; j++) c[m + j] = label[names[j]]
  setWidths("40 12 22 22 22 22 22 22")
  if (format == "markdown") {
    print row(c, m + n)
    print rule(m + n)
    for (i = 1; i <= hostileCount; i++) {
      split(hostileRow[i], cell, "\t")
      for (j = 1; j <= m + n; j++) c[j] = cell[j]
      print row(c, m + n)
    }
    print ""
  }
  for (j = 1; j <= n; j++) {
    same = 0
    for (i = 1; i <= hostileCount; i++) {
      split(hostileRow[i], cell, "\t")
      split(cell[m + j], answer, " ")
      if (answer[1] == cell[3]) same++
    }
    print italic(label[names[j]] ": " same " of " hostileCount " rows answered as rsp expects") \
      (format == "markdown" ? "  " : "")
  }
  print ""
}

FILENAME == hostileFile { hostileRow[++hostileCount] = $0; next }  # no header
FNR == 1 { file++; next }  # each file's header
file == 1 { order[++count] = $1; label[$1] = $2; backends[$1] = $3; targetContest[$1] = $5; next }
file == 2 {
  modes[++modeCount] = $1; clients[$1] = $2; title[$1] = $3
  if ($4 == "yes") sweep[++sweepCount] = $1
  next
}
file == 3 {
  t = $1; m = $2
  rps[t, m] = $4; p50[t, m] = $5; p99[t, m] = $6; vsDirect[t, m] = $7; vsHaproxy[t, m] = $8
  errors[t, m] = $9; timeouts[t, m] = $10; overflows[t, m] = $11; runs[t, m] = $12
  failed[t, m] = $13; perThousand[t, m] = $14
  next
}
file == 4 { before[$1] = $2; peak[$1] = $3; intact[$1] = $4; slowClients[$1] = $5; memoryRows++; next }
END {
  for (section = 1; section <= 3; section++) {
    contest = section == 1 ? "tcp" : section == 2 ? "http" : "redis"
    tables = 0
    for (i = 1; i <= modeCount; i++) if (contestRows(modes[i], contest)) tables++
    if (!tables) continue
    if (contest == "tcp")
      print heading("##", "Relaying bytes: parts 2-7 against HAProxy mode tcp and nginx stream")
    else if (contest == "http")
      print heading("##", "HTTP: parts 8 on against HAProxy mode http and nginx http")
    else
      print heading("##", "Routed by Redis: the last part from 10 on against nginx + Lua")
    print ""
    print italic("Median of " rounds " rounds of " duration " s per run (wrk -t1).")
    print ""
    for (i = 1; i <= modeCount; i++) if (contestRows(modes[i], contest)) modeTable(modes[i], contest)
    if (contest != "redis") sweepTable(contest)  # its rows run in the redis modes only
    if (contest == "http") hostileTable()
  }
  if (!hostileDone) hostileTable()  # when only the hostile mode ran
  memoryTable()
}
