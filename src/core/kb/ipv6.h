/* Knowledge base: net.ipv6.*: IPv6, per network namespace (net/ipv6/sysctl_net_ipv6.c, net/ipv6/addrconf.c).
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_ipv6[] = {
        {0} /* end */
};
