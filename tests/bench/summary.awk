# tests/bench/summary.awk — from rounds.tsv (one line per wrk run: round, target, size, req/s,
# p50 and p99 in ms, errors) to summary.tsv (one line per target and size). run.sh calls it as
#   awk -F'\t' -v OFS='\t' -f summary.awk rounds.tsv
# Requests/s, p50 and p99 are the medians over the rounds. The ratios are taken per round first
# (this target's req/s ÷ direct's, ÷ HAProxy's, in the same round, a few seconds apart) and then
# their median: that cancels most of the drift of a shared machine between rounds.

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

function ratios(target, size, peer,    round, list) {
  list = ""
  for (round in roundSeen) {
    if ((round, target, size) in rps && (round, peer, size) in rps && rps[round, peer, size] > 0)
      list = list " " rps[round, target, size] / rps[round, peer, size]
  }
  return list
}

function number(value, format) { return value == "NA" ? "NA" : sprintf(format, value) }

NR == 1 { next }  # the header
{
  round = $1; target = $2; size = $3; key = target SUBSEP size
  if (!(key in seen)) { seen[key] = 1; order[++count] = key }
  errors[key] += $7
  if ($4 == "NA" || $4 + 0 <= 0) { failed[key]++; next }  # wrk said nothing: no numbers
  roundSeen[round] = 1
  rps[round, target, size] = $4
  rpsList[key] = rpsList[key] " " $4
  p50List[key] = p50List[key] " " $5
  p99List[key] = p99List[key] " " $6
}
END {
  print "target", "size", "rps", "p50_ms", "p99_ms", "vs_direct", "vs_haproxy", "errors", "failed_runs"
  for (i = 1; i <= count; i++) {
    split(order[i], k, SUBSEP)
    key = order[i]
    print k[1], k[2], number(median(rpsList[key]), "%.0f"), number(median(p50List[key]), "%.3f"),
      number(median(p99List[key]), "%.3f"), number(median(ratios(k[1], k[2], "direct")), "%.3f"),
      number(median(ratios(k[1], k[2], "haproxy")), "%.3f"), errors[key] + 0, failed[key] + 0
  }
}
