# tests/bench/summary.awk — from rounds.tsv (one line per wrk run) to summary.tsv (one line per
# target and mode). run.sh calls it as
#   awk -F'\t' -v OFS='\t' -f summary.awk targets.tsv rounds.tsv
# targets.tsv names each target's peer: the HAProxy row with as many backends as it has.
#
# Requests/s, p50 and p99 are the medians over the rounds. The ratios are taken per round first
# (this target's req/s ÷ direct's, ÷ its HAProxy peer's, in the same round and mode, a minute
# apart at most) and then their median: that cancels most of the drift of a shared machine
# between rounds. So "vs direct" is not rps ÷ direct's rps of this table, and need not equal it.
# Errors, time-outs and listen-queue overflows are totals over the rounds. Backend connections
# per 1,000 requests: the connections the backend accepted ÷ the requests it served, over all
# the rounds together (NA if the backend's counters could not be read).

# The median of the numbers in `list` (separated by spaces), or NA if there are none.
function median(list,    values, n, i, j, value) {
  n = split(list, values, " ")
  if (n == 0) return "NA"
  for (i = 2; i <= n; i++) {  # insertion sort: a handful of rounds
    value = values[i] + 0
    for (j = i - 1; j >= 1 && values[j] + 0 > value; j--) values[j + 1] = values[j]
    values[j + 1] = value
  }
  return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
}

# This target's req/s ÷ the other's, one ratio per round in which both gave numbers.
function ratios(target, mode, other,    round, list) {
  list = ""
  for (round in roundSeen) {
    if ((round, target, mode) in rps && (round, other, mode) in rps && rps[round, other, mode] > 0)
      list = list " " rps[round, target, mode] / rps[round, other, mode]
  }
  return list
}

function number(value, format) { return value == "NA" ? "NA" : sprintf(format, value) }

FNR == 1 { file++; next }  # each file's header
file == 1 { peer[$1] = $4; next }  # targets.tsv: target, label, backends, peer
{  # rounds.tsv: round, target, mode, clients, rps, p50_ms, p99_ms, errors, timeouts, overflows, ...
  round = $1; target = $2; mode = $3; key = target SUBSEP mode
  if (!(key in seen)) { seen[key] = 1; order[++count] = key; clients[key] = $4 }
  runs[key]++
  errors[key] += $8; timeouts[key] += $9; overflows[key] += $10
  if ($13 == "NA" || $13 == "") countsMissing[key] = 1
  else { backendConns[key] += $13; backendRequests[key] += $14 }
  if ($5 == "NA") { failed[key]++; next }  # wrk printed no report: no numbers
  roundSeen[round] = 1
  rps[round, target, mode] = $5  # 0 if no request completed: a result, not a failure
  rpsList[key] = rpsList[key] " " $5
  if ($6 != "NA") p50List[key] = p50List[key] " " $6
  if ($7 != "NA") p99List[key] = p99List[key] " " $7
}
END {
  print "target", "mode", "clients", "rps", "p50_ms", "p99_ms", "vs_direct", "vs_haproxy", "errors",
    "timeouts", "overflows", "runs", "failed_runs", "conns_per_1k"
  for (i = 1; i <= count; i++) {
    split(order[i], k, SUBSEP)
    key = order[i]
    print k[1], k[2], clients[key], number(median(rpsList[key]), "%.0f"),
      number(median(p50List[key]), "%.3f"), number(median(p99List[key]), "%.3f"),
      number(median(ratios(k[1], k[2], "direct")), "%.3f"),
      number(median(ratios(k[1], k[2], peer[k[1]])), "%.3f"),
      errors[key] + 0, timeouts[key] + 0, overflows[key] + 0, runs[key] + 0, failed[key] + 0,
      (key in countsMissing) || backendRequests[key] <= 0 ? "NA" : \
        sprintf("%.1f", 1000 * backendConns[key] / backendRequests[key])
  }
}
