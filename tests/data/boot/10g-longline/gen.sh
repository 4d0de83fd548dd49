# Run by the tests in a copy of this fixture: files too large to commit.
# 80-long.conf: a 10 000-byte comment line, then an assignment padded with 9 000 blanks (far over
# twtune's 4096-byte limit for profiles; neither tool has one). 81-huge-line.conf: a 1.3 MB
# comment line, then an assignment (systemd stops reading the file at the long line, procps not).
set -e
E=etc/sysctl.d
mkdir -p $E
{
        printf '#'; head -c 10000 /dev/zero | tr '\0' x; printf '\n'
        printf 'net.ipv4.tcp_fin_timeout = '; head -c 9000 /dev/zero | tr '\0' ' '; printf '77\n'
        printf 'net.ipv4.tcp_keepalive_time = 1077\n'
} >$E/80-long.conf
{
        printf '#'; head -c 1300000 /dev/zero | tr '\0' y; printf '\n'
        printf 'net.ipv4.tcp_keepalive_intvl = 77\n'
} >$E/81-huge-line.conf
