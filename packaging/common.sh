# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by build-deb and build-rpm (sourced): errors, the project's version, a copy of the tree.

die() { echo "${0##*/}: error: $*" >&2; exit 1; }

# need COMMAND PACKAGE: stop with the Debian package to install when COMMAND is missing.
need() {
        command -v "$1" >/dev/null 2>&1 || die "$1 not found (apt-get install $2)"
}

# project_version SRC: the version in CMakeLists.txt's project() call.
project_version() {
        local v
        v=$(sed -n 's/^project(twtune VERSION \([0-9][0-9.]*\).*/\1/p' "$1/CMakeLists.txt")
        [ -n "$v" ] || die "no 'project(twtune VERSION ...)' in $1/CMakeLists.txt"
        echo "$v"
}

# copy_tree SRC DEST: the files of SRC's git working tree that a commit of everything would hold
# (tracked files as they are now, and new files git does not ignore), never build directories
# or other ignored files. Tracked files deleted from the working tree are left out.
copy_tree() {
        local why
        why=$(git -C "$1" rev-parse --is-inside-work-tree 2>&1 >/dev/null) ||
                die "$1: the file list comes from git ls-files, and git says: $why"
        mkdir -p "$2"
        (cd "$1" && git ls-files -z --cached --others --exclude-standard |
                while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
                tar --null --no-recursion -T - -cf -) | tar -xf - -C "$2"
}
