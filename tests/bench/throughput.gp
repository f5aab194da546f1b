# tests/bench/throughput.gp — the chart of results.md: each proxy's requests/s relative to a
# direct connection, small and large files side by side. run.sh calls it as
#   gnuplot -e "datafile='chart.dat'; outfile='throughput.png'; rounds=5" throughput.gp
# where chart.dat has one line per proxy: "label" small_ratio large_ratio.
set terminal pngcairo size 960,540 font "sans,11"
set output outfile
set title sprintf("Requests per second through each proxy, relative to a direct connection\n(median of %d interleaved rounds; 1.0 = as fast as no proxy at all)", rounds)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:1.25<*]  # at least up to 1.25, more if a (noisy) ratio is higher
set ytics 0.25
set grid ytics
set ylabel "req/s ÷ direct"
set key top right
set xtics nomirror
set datafile missing "NA"
plot datafile using 2:xtic(1) title "small file (100 B, 50 connections)" lc rgb "#4477aa", \
     '' using 3 title "large file (1 MiB, 20 connections)" lc rgb "#ee7733", \
     '' using ($0 - 0.15):2:(sprintf("%.2f", $2)) with labels offset 0,0.7 notitle, \
     '' using ($0 + 0.15):3:(sprintf("%.2f", $3)) with labels offset 0,0.7 notitle, \
     1 with lines dashtype 2 lc rgb "gray40" notitle
