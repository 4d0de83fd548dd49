# Run by the tests in a copy of this fixture: a file too large to commit. 2 MB: an assignment,
# 30 000 comment lines, an assignment. Both tools apply both: there is no limit on file size.
set -e
E=etc/sysctl.d
mkdir -p $E
{
        printf 'net.ipv4.tcp_keepalive_time = 1084\n'
        i=0
        while [ $i -lt 30000 ]; do
                i=$((i + 1))
                printf '# padding line %06d .......................................\n' $i
        done
        printf 'net.ipv4.tcp_fin_timeout = 84\n'
} >$E/50-big.conf
