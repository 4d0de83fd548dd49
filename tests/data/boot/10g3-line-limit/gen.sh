# Run by the tests in a copy of this fixture: a file too large to commit. systemd's limit to the
# byte (LONG_LINE_MAX, 1 MiB): a comment line of 1 048 575 bytes is read, one of 1 048 576 bytes
# (not counting the newline) ends the file. procps reads all three assignments.
set -e
E=etc/sysctl.d
mkdir -p $E
{
        printf 'net.ipv4.tcp_keepalive_time = 1101\n'
        printf '#'; head -c 1048574 /dev/zero | tr '\0' a; printf '\n'
        printf 'net.ipv4.tcp_keepalive_intvl = 101\n'
        printf '#'; head -c 1048575 /dev/zero | tr '\0' b; printf '\n'
        printf 'net.ipv4.tcp_fin_timeout = 101\n'
} >$E/50-limit.conf
