/* Keys the kernel no longer has (hand-written entries with a removed version are not repeated here).
 * Included by kb_gen.c only. Sorted by key; each with the version that removed it, what replaced it
 * and the source. */
static const struct kb_removed kb_removed_[] = {
        {"net.ipv4.tcp_fack", KV(4, 15, 0), "nothing: RACK (net.ipv4.tcp_recovery) replaced FACK loss detection",
         "commit 713bafea9292 'tcp: retire FACK loss detection' (UNVERIFIED)"},
};
