# SPDX-License-Identifier: GPL-2.0-or-later
#
# Packets lost per cut for each setup of the failover benchmark, from the
# "Per cut" lines it printed ("  SETUP: LOST OUTAGE FAILBACK; ..."):
#
#	selftests/bench/run failover
#	gnuplot selftests/bench/plot_failover.gp
#
# reads build/bench/failover.txt, writes docs/img/failover-loss.png (run
# from the top of the repo; gnuplot -e "in='F'; out='G'" for others).

if (!exists("in")) in = "build/bench/failover.txt"
if (!exists("out")) out = "docs/img/failover-loss.png"

# "CUT LOST" per cut of one setup; a cut that lost nothing is drawn at 0.5
# so it stays on the log scale
cuts(id) = sprintf("< awk -v s='  %s:' 'index($0, s) == 1 { sub(s, \"\"); n = split($0, c, \";\"); for (i = 1; i <= n; i++) { split(c[i], f, \" \"); print i, (f[1] > 0 ? f[1] : 0.5) } }' %s", id, in)

set terminal pngcairo size 1100,650 font ",11"
set output out
set title "hotline stream lost per cut of its path, beyond the first hop (1,000 pkt/s, 5 s cuts, TCG VM)"
set xlabel "cut"
set ylabel "packets lost (log scale; 0.5 = none)"
set logscale y
set yrange [0.4:20000]
set grid xtics ytics
set key outside right center

plot cuts("single")     using 1:2 with linespoints lw 2 pt 7 lc rgb "black"   title "one path", \
     cuts("multipath")  using 1:2 with linespoints lw 2 pt 5 lc rgb "#7f7f7f" title "kernel multipath", \
     cuts("tracker")    using 1:2 with linespoints lw 2 pt 9 lc rgb "#d62728" title "ping tracker 1 s x 3", \
     cuts("hotline100") using 1:2 with linespoints lw 2 pt 11 lc rgb "#1f77b4" title "hotline 100 ms x 3", \
     cuts("hotline10")  using 1:2 with linespoints lw 3 pt 13 lc rgb "#2ca02c" title "hotline 10 ms x 3"
