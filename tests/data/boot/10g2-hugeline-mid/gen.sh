# Run by the tests in a copy of this fixture: a file too large to commit. An assignment, a
# 1.1 MB comment line, an assignment: systemd applies only the first, procps both.
set -e
E=etc/sysctl.d
mkdir -p $E
{
        printf 'net.ipv4.tcp_keepalive_time = 1079\n'
        printf '#'; head -c 1100000 /dev/zero | tr '\0' z; printf '\n'
        printf 'net.ipv4.tcp_keepalive_intvl = 79\n'
} >$E/81-huge-mid.conf
