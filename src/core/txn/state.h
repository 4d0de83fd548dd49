/* SPDX-License-Identifier: MIT */
/* The state directory (<root>/var/lib/twtune): an exclusive lock, the journal of the transaction in
 * progress, and one record per committed generation (generations/N).
 *
 * Who may read it: the directories (0755) and the generation records (0644) are readable by
 * everyone, so that verify and history work for a monitoring user. Nothing in them is secret: the
 * values are in /proc/sys and the persisted file in /etc/sysctl.d, both world-readable. Two files
 * stay root's (0600): the lock, since any user who could open it could hold a shared flock on it
 * and block every apply; and the journal, which exists only while a transaction runs or after a
 * crash, and whose existence (visible to all) is what a reader needs. State earlier builds wrote
 * (0700 directories, 0600 records) stays root-only until an administrator changes its modes.
 *
 * Journal and generations share one text format a person can read with cat, written atomically,
 * whose last line holds the SHA-256 of everything before it, so a truncated or damaged record is
 * detected:
 *
 *   twtune-state 2
 *   kind journal|generation
 *   generation N
 *   time UNIX-SECONDS
 *   profile NAME
 *   action apply | action rollback N   what produced it; rollback N restored generation N's state
 *   hash SHA256-OF-PERSISTED-BODY|-
 *   persist 0|1
 *   file-before -|text BYTES LINES|hex HEX   the persisted file before the transaction ('-':
 *                              absent); as text, LINES lines follow, each "|" and one line of the
 *                              file, and BYTES says whether the last one ended in a newline. A file
 *                              that is not printable UTF-8 text is kept as hex.
 *   file-before-meta MODE UID GID   its octal mode and owner (optional)
 *   file -|text BYTES LINES|hex HEX   the persisted file it leaves, likewise
 *   key<TAB>KEY<TAB>0|1|w|W<TAB>BEFORE<TAB>AFTER  (in write order; 1: written; w, W: a write-only
 *                              key, not written or written: it has no value to restore)
 *   dep<TAB>KEY<TAB>0|1<TAB>BEFORE<TAB>AFTER     a key the kernel changed along with one above
 *   rst<TAB>KEY<TAB>0|1<TAB>BEFORE<TAB>AFTER     a managed key the profile no longer sets, put
 *                              back to its baseline
 *   base<TAB>KEY<TAB>VALUE     after a generation: each key twtune manages and the value it had
 *                              before twtune first managed it (its baseline)
 *   end SHA256
 *
 * Version 1 records (before 0.3) are read too: file contents in bare hex, no action, rst or base
 * lines (a rollback is then known by its profile name, "rollback to generation N").
 *
 * Records are read back as root and replayed, so they are trusted only when no other user could
 * have written them (state_open, and every read, check owner and mode on the open descriptor),
 * and every key and value in them passes the checks a profile's would.
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
        bool dependent; /* changed by the kernel when another key was written (kb propagation) */
        bool write_only; /* cannot be read (net.ipv4.route.flush): never compared or restored */
        bool restored;   /* a managed key the profile dropped, put back to its baseline */
};

/* A key twtune manages and its baseline: the value before twtune first managed it. */
struct rec_base {
        char *key, *value;
};

struct record {
        bool is_journal;
        unsigned long generation;
        long long time;
        char *profile;
        bool is_rollback;         /* action rollback: it restored the state of generation `restores` */
        unsigned long restores;
        char *hash; /* the body's SHA-256 (persisted or not); NULL for the state before twtune */
        bool persist;
        bool file_before_present, file_present;
        char *file_before, *file;
        size_t file_before_len, file_len;
        bool file_before_meta; /* mode, uid and gid of file_before are known */
        unsigned file_before_mode;
        unsigned long file_before_uid, file_before_gid;
        struct rec_key *keys;
        size_t n_keys;
        bool has_base;            /* base lines were recorded (records from 0.3 on) */
        struct rec_base *base;    /* the managed keys after this generation, sorted by key */
        size_t n_base;
};

/* Opens the state directory, or its subdirectory sub (e.g. "netns/c42", for transactions inside
 * another network namespace, which keep their own journal and history); with create, makes it
 * (0700, parents 0755) and its generations/ subdirectory. -ENOENT when it does not exist and
 * create is false. -EPERM when a directory is owned by another user than root (or the caller)
 * or is writable by group or others; *ret_why (if given) then says which and how. */
int state_open(struct sysroot *sr, const char *sub, bool create, struct state **ret, char **ret_why);
void state_free(struct state *st); /* also releases the lock */

/* Takes the exclusive lock, waiting up to wait_ms. On -EWOULDBLOCK *ret_holder is the pid the
 * holder wrote into the lock file (0 if unknown). */
int state_lock(struct state *st, unsigned long wait_ms, pid_t *ret_holder);
/* Takes the lock shared, for readers (verify) that must not see a transaction half done. -EACCES
 * for a user who may not open the lock (see above): such a reader goes on without it, and sees a
 * transaction in progress as a pending journal. */
int state_lock_shared(struct state *st, unsigned long wait_ms);

/* -ENOENT: no journal. -EBADMSG: a journal that does not parse, whose checksum is wrong, or that
 * holds a key or value a profile could not. -EPERM: owned by another user or writable by others. */
int state_journal_read(struct state *st, struct record **ret);
int state_journal_write(struct state *st, const struct record *r);
int state_journal_remove(struct state *st);

int state_generation_read(struct state *st, unsigned long id, struct record **ret);
/* Never replaces an existing generation (-EEXIST). */
int state_generation_write(struct state *st, const struct record *r);
/* Removes a generation whose recording failed; a missing one is fine. */
int state_generation_remove(struct state *st, unsigned long id);
/* Committed generations, ascending. */
int state_generations(struct state *st, unsigned long **ret_ids, size_t *ret_n);

/* The newest generation whose content hash (the persisted body's SHA-256, the same on every host
 * for the same values) starts with prefix, lowercase hex of STATE_HASH_PREFIX_MIN to 64 digits.
 * -EINVAL: not such a prefix; -ENOENT: no generation has it; -ENOTUNIQ: generations with different
 * hashes share it; a record that cannot be read fails the search (its error). */
#define STATE_HASH_PREFIX_MIN 12
int state_generation_by_hash(struct state *st, const char *prefix, unsigned long *ret_id);

/* A value a record can hold and give back: one line, no control character but tabs (which, like
 * spaces, only separate tokens), at most SYSCTL_VALUE_MAX bytes. */
bool record_value_valid(const char *v);

void record_free(struct record *r);
/* Frees the keys and base of a record whose other members are borrowed (one on the stack). */
void record_clear_keys(struct record *r);
int record_add_key(struct record *r, const char *key, const char *before, const char *after, bool written);
/* The same for a key the kernel changes along with another (kb_propagation). */
int record_add_dependent(struct record *r, const char *key, const char *before, const char *after, bool written);
/* The same for a managed key put back to its baseline. */
int record_add_restored(struct record *r, const char *key, const char *before, const char *after, bool written);
int record_add_base(struct record *r, const char *key, const char *value);
/* A managed set (a record's, or a transaction's before it is recorded): appends a copy of key and
 * value, or frees all n. */
int rec_base_add(struct rec_base **v, size_t *n, const char *key, const char *value);
void rec_base_free(struct rec_base *v, size_t n);

#endif
