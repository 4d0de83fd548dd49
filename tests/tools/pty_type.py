#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Types lines into a real interactive bash on a pseudo-terminal, as a person would.

usage: pty_type.py SETUP LINE...

SETUP is run first (it sources a completion, defines a function...). Each LINE may hold TABs,
which readline completes; the line is then run with Enter. Prints "LINE => OUTPUT" for each, with
TABs shown as <TAB> and OUTPUT the last line the command printed that starts with '<' (the tests'
twtune function prints its arguments as <arg><arg>...), or "(nothing)".
"""
import os
import pty
import select
import sys
import time


def main():
    setup, lines = sys.argv[1], sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "dumb"
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])

    def read_until(marker, limit=20):
        out, end = b"", time.time() + limit
        while marker not in out and time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return out.decode(errors="replace")

    # The markers are typed split ("RE""ADY") so that only the command's output matches.
    os.write(fd, b"bind 'set enable-bracketed-paste off'; " + setup.encode() + b'; echo RE""ADY\n')
    read_until(b"READY\r\n")
    for i, typed in enumerate(lines):
        os.write(fd, typed.encode() + b"\n")
        time.sleep(0.2)
        os.write(fd, b'echo EN""D%d\n' % i)
        out = read_until(b"END%d\r\n" % i)
        found = [line for line in out.split("\r\n") if line.startswith("<")]
        print(typed.replace("\t", "<TAB>"), "=>", found[-1] if found else "(nothing)")
    os.write(fd, b"exit\n")
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
