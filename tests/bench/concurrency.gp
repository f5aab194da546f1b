# tests/bench/concurrency.gp — the second chart of results.md: requests/s against the number of
# kept-alive clients (100-byte replies), one line per target. run.sh calls it as
#   gnuplot -e "datafile='concurrency.dat'; outfile='concurrency.png'; rounds=5; targets=3; \
#     dashes='1 1 2'" concurrency.gp
# where concurrency.dat is tab-separated: a header line "clients", then each target's label;
# then one line per number of clients with each target's median req/s (NA where none). dashes
# holds a dash type per target: 1 (solid) for direct and the peers, 2 (dashed) for rsp.
set terminal pngcairo size 1280,640 font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "NA"
set title sprintf("Requests per second against the number of kept-alive clients (100-byte replies)\n(median of %d interleaved rounds)", rounds)
set logscale x
set xlabel "clients (wrk connections, log scale)"
set ylabel "requests per second"
set yrange [0:*]
set grid xtics ytics
set key outside right top
set xrange [35:7500]
set xtics nomirror
# The tics are the numbers of clients that ran (xtic(1)), not powers of ten.
plot for [i = 2:targets + 1] datafile using 1:i:xtic(1) with linespoints lw 2 pt (i % 7) + 1 \
     dashtype int(word(dashes, i - 1)) title columnheader(i)
