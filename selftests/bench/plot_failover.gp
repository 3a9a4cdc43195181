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

# the setups the run printed, in its order; a run narrowed by
# HOTLINE_BENCH_SETUPS plots what it ran (hotline10x2 as well)
setups = system(sprintf("awk '/^Per cut/ { on = 1; next } on && /^  [a-z0-9]+:/ { sub(/:.*/, \"\"); printf \"%%s \", $1 }' %s", in))
if (words(setups) == 0) { print sprintf("no per-cut lines in %s", in); exit status 1 }
title_of(s) = s eq "single" ? "one path" : s eq "multipath" ? "kernel multipath" : \
	s eq "tracker" ? "ping tracker 1 s x 3" : \
	strstrt(s, "x") ? sprintf("hotline %s ms x %s", s[8:strstrt(s, "x") - 1], s[strstrt(s, "x") + 1:]) : \
	sprintf("hotline %s ms x 3", s[8:])
colour_of(s) = s eq "single" ? 0x000000 : s eq "multipath" ? 0x7f7f7f : s eq "tracker" ? 0xd62728 : \
	s eq "hotline100" ? 0x1f77b4 : s eq "hotline10" ? 0x2ca02c : 0x9467bd

plot for [i = 1:words(setups)] cuts(word(setups, i)) using 1:2 with linespoints lw 2 pt (5 + 2 * i) \
	lc rgb colour_of(word(setups, i)) title title_of(word(setups, i))
