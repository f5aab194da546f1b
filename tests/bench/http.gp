# tests/bench/http.gp — the third chart of results.md: the HTTP contest (parts 8 on, HAProxy
# mode http, nginx http). Left, each proxy's requests/s relative to a direct connection in the
# modes with one number each (small, large, a new connection per request, two sites); right,
# requests/s against the number of kept-alive clients. run.sh calls it as
#   gnuplot -e "outfile='http.png'; rounds=5; benchdir='tests/bench'; ratios='http-ratios.dat';
#     file='http-sweep.dat'; count=5; colours='...'; widths='...'; dashes='...'; points='...'" http.gp
# where http-ratios.dat is tab-separated, one line per proxy: label, then the small, large,
# close and sites ratios (NA where a mode did not run); the right panel is sweep-panel.gp's.
set terminal pngcairo size 1600,760 font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "NA"
set multiplot layout 1, 2 title sprintf("HTTP: parts 8 on against HAProxy mode http and nginx http (median of %d interleaved rounds)", rounds)

set title "Requests per second relative to a direct connection (1.0 = as fast as no proxy)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:1.25<*]
set ytics 0.25
set grid ytics
set ylabel "req/s ÷ direct"
set key top right font ",9"
set xtics nomirror rotate by 25 right
set bmargin 11
plot ratios using 2:xtic(1) title "small (100 B, 50 kept-alive)" lc rgb "#4477aa", \
     '' using 3 title "large (1 MiB, 20 kept-alive)" lc rgb "#ee7733", \
     '' using 4 title "new connection per request" lc rgb "#228833", \
     '' using 5 title "two sites by Host (50 kept-alive)" lc rgb "#aa3377", \
     1 with lines dashtype 2 lc rgb "gray40" notitle

set xtics norotate
set bmargin
if (count > 0 && system("wc -l < '" . file . "'") + 0 >= 3) {
  ptitle = "Requests per second against the number of kept-alive clients (100 B)"
  load benchdir . "/sweep-panel.gp"
}
unset multiplot
