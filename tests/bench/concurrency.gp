# tests/bench/concurrency.gp — the second chart of results.md: requests/s against the number of
# kept-alive clients (100-byte replies) for the byte-relaying contest (parts 2-7 and the TCP
# peers), one panel per number of backends, so that each panel compares like with like. run.sh
# calls it as
#   gnuplot -e "outfile='concurrency.png'; rounds=5; benchdir='tests/bench'; panels=2;
#     file1='...'; title1='...'; count1=9; colours1='...'; widths1='...'; dashes1='...';
#     points1='...'; file2=..." concurrency.gp
# and each panel is drawn by sweep-panel.gp (which says what the variables hold).
set terminal pngcairo size 1600,760 font "sans,10"
set output outfile
set datafile separator "\t"
set datafile missing "NA"
set multiplot layout 1, panels title sprintf("Relaying bytes: requests per second against the number of kept-alive clients, 100-byte replies (median of %d interleaved rounds)", rounds)
do for [p = 1:panels] {
  file = value(sprintf("file%d", p))
  ptitle = value(sprintf("title%d", p))
  count = value(sprintf("count%d", p))
  colours = value(sprintf("colours%d", p))
  widths = value(sprintf("widths%d", p))
  dashes = value(sprintf("dashes%d", p))
  points = value(sprintf("points%d", p))
  load benchdir . "/sweep-panel.gp"
}
unset multiplot
