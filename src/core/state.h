/* The state directory (<root>/var/lib/twtune, 0700): an exclusive lock, the journal of the
 * transaction in progress, and one record per committed generation (generations/N).
 *
 * Journal and generations share one text format, written atomically, whose last line holds
 * the SHA-256 of everything before it, so a truncated or damaged record is detected:
 *
 *   twtune-state 1
 *   kind journal|generation
 *   generation N
 *   time UNIX-SECONDS
 *   profile NAME
 *   hash SHA256-OF-PERSISTED-BODY|-
 *   persist 0|1
 *   file-before -|HEX          the persisted file before the transaction ('-': absent)
 *   file -|HEX                 the persisted file it leaves ('-': absent)
 *   key<TAB>KEY<TAB>0|1<TAB>BEFORE<TAB>AFTER     (in write order; 1: written)
 *   end SHA256
 */
#ifndef TWTUNE_STATE_H
#define TWTUNE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sysroot;
struct state;

struct rec_key {
        char *key, *before, *after;
        bool written;
};

struct record {
        bool is_journal;
        unsigned long generation;
        long long time;
        char *profile;
        char *hash; /* NULL when not persisted */
        bool persist;
        bool file_before_present, file_present;
        char *file_before, *file;
        size_t file_before_len, file_len;
        struct rec_key *keys;
        size_t n_keys;
};

/* Opens the state directory, or its subdirectory sub (e.g. "netns/4026532281", for transactions
 * inside another network namespace, which keep their own journal and history); with create,
 * makes it (0700) and its generations/ subdirectory. -ENOENT when it does not exist and create
 * is false. */
int state_open(struct sysroot *sr, const char *sub, bool create, struct state **ret);
void state_free(struct state *st); /* also releases the lock */

/* Takes the exclusive lock, waiting up to wait_ms. On -EWOULDBLOCK *ret_holder is the pid the
 * holder wrote into the lock file (0 if unknown). */
int state_lock(struct state *st, unsigned long wait_ms, pid_t *ret_holder);

/* -ENOENT: no journal. -EBADMSG: a journal that does not parse or whose checksum is wrong. */
int state_journal_read(struct state *st, struct record **ret);
int state_journal_write(struct state *st, const struct record *r);
int state_journal_remove(struct state *st);

int state_generation_read(struct state *st, unsigned long id, struct record **ret);
int state_generation_write(struct state *st, const struct record *r);
/* Committed generations, ascending. */
int state_generations(struct state *st, unsigned long **ret_ids, size_t *ret_n);

void record_free(struct record *r);
/* Frees the keys of a record whose other members are borrowed (one on the stack). */
void record_clear_keys(struct record *r);
int record_add_key(struct record *r, const char *key, const char *before, const char *after, bool written);

#endif
