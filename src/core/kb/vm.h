/* Knowledge base: vm.*: memory management; global (mm/, kernel/sysctl.c).
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_vm[] = {
        {0} /* end */
};
