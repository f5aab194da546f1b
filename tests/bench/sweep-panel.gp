# tests/bench/sweep-panel.gp — one panel of requests/s against the number of kept-alive clients
# (100-byte replies), a line per target, loaded by concurrency.gp and http.gp inside their
# multiplot with these variables set:
#   file     tab-separated: a header "clients", then each target's label; then one line per
#            number of clients with each target's median req/s (NA where none)
#   ptitle   the panel's title
#   count    how many targets (columns after the first)
#   colours, widths, dashes, points: one word per target, its line's colour, width, dash type
#            and point type. report.sh gives the last rsp part and the two peers (default
#            buffers) bold lines of their own colours, direct a black dashed one, the peers'
#            64 KiB rows thin ones of their colours, and the earlier parts faint grey ones.
set title ptitle
set logscale x
set xlabel "clients (wrk connections, log scale)"
set ylabel "requests per second"
set autoscale y
set yrange [0:*]
set ytics autofreq
set format y "%.0f"
set grid xtics ytics
set xrange [35:7500]
set xtics nomirror
set key below maxrows 4 font ",9" samplen 3
# The tics are the numbers of clients that ran (xtic(1)), not powers of ten.
plot for [i = 2:count + 1] file using 1:i:xtic(1) with linespoints \
     lc rgb word(colours, i - 1) lw real(word(widths, i - 1)) dashtype int(word(dashes, i - 1)) \
     pt int(word(points, i - 1)) ps 0.8 title columnheader(i)
unset logscale x
