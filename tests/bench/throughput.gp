# tests/bench/throughput.gp — the first chart of results.md: for the byte-relaying contest
# (parts 2-7 and the TCP peers; http.gp draws the HTTP one), each proxy's requests/s relative to
# a direct connection, for the small file, the large file and a new connection per request, side
# by side. run.sh calls it as
#   gnuplot -e "datafile='throughput.dat'; outfile='throughput.png'; rounds=5" throughput.gp
# where throughput.dat is tab-separated, one line per proxy: label, small, large, close ratios
# (NA where a mode did not run).
set terminal pngcairo size 1600,640 font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "NA"
set title sprintf("Relaying bytes: requests per second through each proxy, relative to a direct connection\n(median of %d interleaved rounds of per-round ratios; 1.0 = as fast as no proxy at all)", rounds)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:1.25<*]  # at least up to 1.25, more if a (noisy) ratio is higher
set ytics 0.25
set grid ytics
set ylabel "req/s ÷ direct"
set key top right
set xtics nomirror rotate by 25 right
set bmargin 9
plot datafile using 2:xtic(1) title "small file (100 B, 50 kept-alive connections)" lc rgb "#4477aa", \
     '' using 3 title "large file (1 MiB, 20 kept-alive connections)" lc rgb "#ee7733", \
     '' using 4 title "new connection per request (100 B, 50 connections)" lc rgb "#228833", \
     '' using ($0 - 0.25):2:(sprintf("%.2f", $2)) with labels offset 0,0.6 font ",8" notitle, \
     '' using ($0):3:(sprintf("%.2f", $3)) with labels offset 0,0.6 font ",8" notitle, \
     '' using ($0 + 0.25):4:(sprintf("%.2f", $4)) with labels offset 0,0.6 font ",8" notitle, \
     1 with lines dashtype 2 lc rgb "gray40" notitle
