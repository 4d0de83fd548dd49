/* Knowledge base: fs.*: files and inotify; global (fs/file_table.c, fs/file.c, fs/notify/inotify).
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_fs[] = {
        {0} /* end */
};
