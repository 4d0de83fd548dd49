/* Knowledge base: kernel.* and user.*: the rest of the kernel; global unless said otherwise.
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_kernel[] = {
        {0} /* end */
};
