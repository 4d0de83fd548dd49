#!/bin/sh
# Share of the corpus's key lines that twtune's knowledge base knows: coverage.sh TWTUNE [DIR].
# Keys are normalised as systemd and procps do (a leading '-' dropped; if the first separator is
# '/', '/' and '.' swap); glob keys count as unknown.
tw=${1:?usage: coverage.sh TWTUNE [DIR]}
dir=${2:-$(dirname "$0")}
"$tw" keys | sort -u >/tmp/twtune-kb-keys.$$
awk -v kbfile=/tmp/twtune-kb-keys.$$ '
BEGIN { while ((getline k < kbfile) > 0) kb[k] = 1 }
FNR == 1 { files++ }
{
        sub(/\r$/, "")
        line = $0
        if (line !~ /=/ || line ~ /^[ \t]*[#;]/) next   # comments (whole files, 62 on) are not key lines
        key = substr(line, 1, index(line, "=") - 1)
        gsub(/^[ \t]+|[ \t]+$/, "", key)
        sub(/^-/, "", key)
        if (match(key, /[.\/]/) && substr(key, RSTART, 1) == "/") {
                gsub(/\./, "\001", key); gsub(/\//, ".", key); gsub(/\001/, "/", key)
        }
        lines++
        if (key in kb) { known++; file_known[FILENAME] = 1 }
}
END {
        nofile = 0
        for (i = 1; i < ARGC; i++) if (!(ARGV[i] in file_known)) nofile++
        printf "%d files, %d key lines, %d known to the knowledge base (%.1f%%), %d files with no known key\n",
               files, lines, known, lines ? 100 * known / lines : 0, nofile
}' "$dir"/*.conf
rm -f /tmp/twtune-kb-keys.$$
