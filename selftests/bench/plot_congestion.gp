# SPDX-License-Identifier: GPL-2.0-or-later
#
# The latency CDF of the hotline under each setup of the congestion
# benchmark, from the "rtt-samples ID V..." lines it printed:
#
#	selftests/bench/run congestion
#	gnuplot selftests/bench/plot_congestion.gp
#
# reads build/bench/congestion.txt, writes docs/img/congestion-cdf.png
# (run from the top of the repo; gnuplot -e "in='F'; out='G'" for others).

if (!exists("in")) in = "build/bench/congestion.txt"
if (!exists("out")) out = "docs/img/congestion-cdf.png"

# "ID V" per sample, sorted by value, with its rank as a fraction
cdf(id) = sprintf("< awk '$1 == \"rtt-samples\" && $2 == \"%s\" { for (i = 3; i <= NF; i++) print $i }' %s | sort -g | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }'", id, in)

set terminal pngcairo size 1100,650 font ",11"
set output out
set title "hotline RTT under congestion (50 pkt/s UDP probe, hostA -> hostB, TCG VM)"
set xlabel "RTT (ms, log scale)"
set ylabel "fraction of the answered probes (lost ones: see the table)"
set logscale x
set grid xtics ytics mxtics
set key right bottom
set yrange [0:1]

plot cdf("idle")       using 1:2 with lines lw 2 lc rgb "black"   title "1 idle (floor)", \
     cdf("default-8")  using 1:2 with lines lw 2 lc rgb "#d62728" title "2 default, 8 flows", \
     cdf("fq_codel-8") using 1:2 with lines lw 2 lc rgb "#ff7f0e" title "3 fq\\_codel, 8 flows", \
     cdf("manual-8")   using 1:2 with lines lw 2 lc rgb "#1f77b4" title "4 by hand, 8 flows", \
     cdf("hotline-8")  using 1:2 with lines lw 3 lc rgb "#2ca02c" title "5 hotline, 8 flows", \
     cdf("default-500")  using 1:2 with lines lw 2 dt 2 lc rgb "#d62728" title "2 default, 500 flows", \
     cdf("fq_codel-500") using 1:2 with lines lw 2 dt 2 lc rgb "#ff7f0e" title "3 fq\\_codel, 500 flows", \
     cdf("manual-500")   using 1:2 with lines lw 2 dt 2 lc rgb "#1f77b4" title "4 by hand, 500 flows", \
     cdf("hotline-500")  using 1:2 with lines lw 3 dt 2 lc rgb "#2ca02c" title "5 hotline, 500 flows"
