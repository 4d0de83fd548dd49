/* Knowledge base: net.netfilter.* and net.nf_conntrack_max: connection tracking (nf_conntrack module).
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_netfilter[] = {
        {0} /* end */
};
