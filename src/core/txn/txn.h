/* SPDX-License-Identifier: MIT */
/* Transactions: change live sysctls and the persisted file together, or not at all.
 *
 * txn_commit: journal (previous values and file) -> write each changed key in one write() and
 * read it back -> persist the file atomically -> record the generation -> drop the journal.
 * A failure at any step restores what was written, in reverse order, and the file. A crash at
 * any step leaves the journal, and txn_recover finishes or undoes the transaction. */
#ifndef TWTUNE_TXN_H
#define TWTUNE_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "strarena.h"
#include "strmap.h"
#include "validate.h"

struct state;
struct sysroot;

#define TXN_FILE_NAME "99-twtune.conf" /* after a distribution's 99-sysctl.conf, so it wins */

/* Members in order of size: with 100 000 keys, the padding of an item shows. */
struct txn_item {
        const char *key;    /* the transaction's copy (txn.strs) */
        const char *before; /* live value when planned (blanks normalised; str_intern's) */
        const char *after;  /* value the transaction leaves (str_intern's) */
        char *kept;      /* after a commit: what the kernel printed back when it differs in form
                          * from `after` but means the same (its rounding), else NULL */
        char *left;      /* (rollback, foreign) the value twtune last left it at: the newest record
                          * line's after-value */
        bool write;    /* before and after differ */
        bool optional; /* persisted with systemd's '-' prefix */
        bool dependent; /* set by the kernel along with another key (kb_propagation); not persisted,
                         * recorded so that undo and rollback restore it */
        bool write_only; /* cannot be read (mode 0200, route.flush): written with the transaction's
                          * other writes, never read back, compared or restored */
        bool restore;    /* a managed key the profile no longer sets: back to its baseline, not
                          * persisted */
        bool foreign;    /* (restore, rollback) the live value is not the one twtune left: another tool,
                          * a person, sysctl --system or a boot changed it since */
        bool later;      /* (rollback) not managed at the target: its value comes from a later record */
        bool own;        /* (rollback) a record shows twtune wrote the key itself (not as a dependent):
                          * an IPv4 interface that no longer follows conf.default */
};

struct txn {
        char *profile;           /* name recorded in history */
        struct txn_item *items;  /* in write order */
        size_t n;
        struct strmap keyset;    /* the items' keys while planning (membership only: items move);
                                  * released once the plan is complete */
        struct strarena strs;    /* the items' keys, one block of memory for all */
        bool persist;            /* manage the persisted file */
        /* An apply renders the file (file: the header, then body, which points into it) and leaves
         * alone an existing file with the same body; a rollback restores file bytes exactly (absent:
         * remove it). */
        bool render;
        const char *body;
        bool file_present;
        char *file;
        size_t file_len;
        bool file_meta;          /* a restored file gets back this mode and owner */
        unsigned file_mode;
        unsigned long file_uid, file_gid;
        char *hash;              /* SHA-256 of body */
        bool is_rollback;        /* a rollback, to the state of generation `restores` */
        unsigned long restores;
        bool record_always;      /* (rollback) the state it goes back to is not the current one: it is
                                  * recorded even when nothing is written, so the next rollback steps on */
        bool file_edited;        /* (rollback) the persisted file is not the one the newest generation
                                  * recorded: an edit by hand or another tool, which the rollback replaces */
        struct rec_base *base;   /* the managed keys and baselines once committed; the strings are
                                  * borrowed (keys from strs, values str_intern's): free the array only */
        size_t n_base;
        unsigned long generation; /* set by txn_commit when it commits */
};

enum txn_result { TXN_UNCHANGED, TXN_COMMITTED, TXN_ROLLED_BACK, TXN_RESTORE_FAILED };

struct txn_failure {
        char *key;         /* the key that failed, NULL for the file or the state directory */
        int error;         /* negative errno */
        char *detail;      /* e.g. "the kernel kept 60" */
        char **left_changed; /* keys whose restore failed */
        size_t n_left;
        bool file_left_changed;
};

struct managed;

/* Plans the profile against the live values below sr: the after-value of each active setting
 * (at_least/at_most bound the current value), optional absent keys left out, each key of m (what
 * twtune manages now; NULL: nothing) that the profile no longer sets back to its baseline, keys
 * the kernel propagates to others (kb_propagation) first, then coupled keys ordered so that each
 * write is valid, then the keys a propagating write changes, as dependents. The profile must have
 * no error findings. On a failure to read a key, *ret_key (if given) names it. */
int txn_from_profile(const struct profile *p, const struct validate_opts *o, struct sysroot *sr, bool persist,
                     const struct managed *m, struct txn **ret, char **ret_key);
/* Plans going back to generation `to` (0: before twtune's first apply). -ENOENT: no such
 * generation or nothing applied yet. Every key is read: one that cannot be read fails the plan
 * (naming it in *ret_key), except a dependent that no longer exists (its interface is gone). */
int txn_from_generation(struct state *st, struct sysroot *sr, unsigned long to, struct txn **ret, char **ret_key);
size_t txn_count_writes(const struct txn *t);
void txn_free(struct txn *t);

/* Runs the transaction; the caller holds the state lock and has run txn_recover. Returns 0 with
 * *ret set, or a negative errno when nothing was changed (state directory, symlinked file). */
int txn_commit(struct state *st, struct sysroot *sr, struct txn *t, struct txn_failure *fail, enum txn_result *ret);

/* Handles a journal left by a crash: a committed transaction is cleaned up (TXN_COMMITTED), an
 * unfinished one undone (TXN_ROLLED_BACK or TXN_RESTORE_FAILED); TXN_UNCHANGED when there is no
 * journal. -EBADMSG: the journal is damaged; any error reading the journal, or the generation it
 * names (other than its absence), is returned and nothing is changed. */
int txn_recover(struct state *st, struct sysroot *sr, struct txn_failure *fail, enum txn_result *ret);

void txn_failure_release(struct txn_failure *f);

/* The persisted file before and after a transaction, for dry runs and reports. */
struct txn_file_change {
        bool before_present, after_present;
        bool write; /* the commit writes or removes the file */
        char *before, *after; /* NUL-terminated when present */
        size_t before_len, after_len;
};
/* What committing t would do to the persisted file now: the file there, the file it leaves (the
 * rendered file; st is not needed since the file holds no generation number, and may be NULL)
 * and whether it is written. A transaction that does not persist leaves it alone. */
int txn_file_preview(struct state *st, struct sysroot *sr, const struct txn *t, struct txn_file_change *ret);
/* "create", "change", "remove" or "none". */
const char *txn_file_action(const struct txn_file_change *fc);
void txn_file_change_release(struct txn_file_change *fc);

/* The rendered file for a body: a header (profile name, the body's SHA-256) and the body; the same
 * bytes for the same profile on every host, whatever its generation. */
char *txn_render_file(const char *profile, const char *body, const char *hash, size_t *ret_len);
/* Reads the persisted file from the sysctl.d directory without following a symlink (-ELOOP);
 * -ENOENT when there is none. */
int txn_read_file(int dfd, char **ret, size_t *ret_len);
/* The part of a persisted file after its leading '#' header lines. */
const char *txn_file_body(const char *text);

#endif
