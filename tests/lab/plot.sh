#!/bin/sh
# SPDX-License-Identifier: MIT
# plot.sh NAME DIR: DIR/plot.png from DIR/load.tsv and DIR/setup.txt of one lab scenario (gnuplot;
# nothing without it). Connections a second and connect() times, both on log scales: the drop
# from thousands to tens a second, and from microseconds to milliseconds, show at once.
set -eu
command -v gnuplot >/dev/null || exit 0
d=$2
awk '$1 ~ /^[0-9]+$/' "$d/load.tsv" >"$d/plot.dat"
gnuplot <<G 2>/dev/null || true
set terminal pngcairo size 900,420 font ",9" noenhanced
set output "$d/plot.png"
set title "$1 — $(head -n 1 "$d/setup.txt" | cut -c1-60)\n$(sed -n 2p "$d/setup.txt" | cut -c1-110)"
set xlabel "second"
set ylabel "connections per second (log)"
set logscale y
set y2label "connect latency (µs, log)"
set logscale y2
set y2tics
set ytics nomirror
set key outside bottom center horizontal
plot "$d/plot.dat" using 1:(\$3 > 0 ? \$3 : 1/0) with linespoints lw 2 title "connected/s", \
     "$d/plot.dat" using 1:(\$4 > 0 ? \$4 : 1/0) with linespoints title "failed/s", \
     "$d/plot.dat" using 1:(\$5 > 0 ? \$5 : 1) axes x1y2 with lines dt 2 title "connect() p50", \
     "$d/plot.dat" using 1:(\$7 > 0 ? \$7 : 1) axes x1y2 with lines dt 3 title "connect() p99", \
     "$d/plot.dat" using 1:(\$9 > 0 ? \$9 : 1) axes x1y2 with lines dt 4 title "handshake p99"
G
rm -f "$d/plot.dat"
