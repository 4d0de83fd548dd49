#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
# This file holds the documentation of twtune.twtune.profile. The work is done on the controller
# by the action plugin of the same name (plugins/action/profile.py), which runs twtune through the
# connection as the raw module does, so the managed host needs no Python. Run on its own, this
# module only says so.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: profile
short_description: Apply, verify or remove a twtune sysctl profile
version_added: 0.1.0
description:
  - Runs C(twtune --format json) on the managed host to apply a sysctl profile as one
    transaction (all keys or none, persisted to C(/etc/sysctl.d/99-twtune.conf)), to verify
    that the live values and the persisted file still match it, or to go back to the state
    before twtune's first apply.
  - The task runs through an action plugin on the controller, which executes twtune over the
    connection as M(ansible.builtin.raw) does. The managed host needs the twtune binary and a
    POSIX shell, not Python.
  - C(changed) is twtune's own verdict, so a second run of the same profile reports no change.
    Every result carries the host's generation and content hash (I(current_generation),
    I(content_hash)), changed or not.
  - twtune's warnings about the profile become the task's warnings (printed as C([WARNING])), each as
    C(twtune) then C(FILE:LINE:COLUMN), the message and C([code]); its errors fail the task with each finding's file, line,
    column and message.
  - Check mode runs C(twtune apply --dry-run) (or C(twtune rollback --to 0 --dry-run)) and
    changes nothing. Diff mode shows the keys that change as C(key = value) lines, and the
    persisted file's unified diff (created, changed or removed) where twtune reports it (the
    C(persist) object of C(apply --format json)); a change to that file alone makes the task
    C(changed), in check mode too.
  - The executable is looked up as Ansible looks up system tools, on C(PATH), then in C(/sbin),
    C(/usr/sbin) and C(/usr/local/sbin), which C(become_method=su) leaves off C(PATH) on Debian.
    A failure that printed no JSON quotes what the command printed.
  - The profile given in I(content) is sent on twtune's standard input (C(twtune apply -)) when
    the connection can pass input to a command (local, ssh, docker and most others); otherwise it
    is written to a temporary file on the managed host, which is removed afterwards.
author:
  - twtune developers (!UNKNOWN)
requirements:
  - twtune on the managed host (on C(PATH), or named by I(executable))
options:
  path:
    description:
      - A profile on the managed host, as a file path or as the name of a profile on twtune's
        search path (for example C(web-server)).
      - Mutually exclusive with I(content). One of I(path) and I(content) is required with
        I(state=applied).
    type: str
  content:
    description:
      - The profile's YAML text, for example from a template or C(lookup('file', ...)).
      - Mutually exclusive with I(path).
    type: str
  state:
    description:
      - C(applied) applies the profile (C(twtune apply)).
      - C(verified) only compares (C(twtune verify)), and fails on drift naming each key that
        drifted and the persisted file if it changed. Without I(path) or I(content) it compares
        against the last generation twtune applied (on a host where twtune never applied
        anything, it passes with a warning).
      - C(absent) returns the host to its state before twtune's first apply
        (C(twtune rollback --to 0)), with the original values back and the persisted file removed. On a
        host where twtune never applied anything it reports no change.
    type: str
    choices: [applied, verified, absent]
    default: applied
  persist:
    description:
      - Write C(/etc/sysctl.d/99-twtune.conf) so the values survive a reboot. C(false) passes
        C(--no-persist), so only the live values change.
    type: bool
    default: true
  netns:
    description:
      - Work inside this network namespace (a name under C(/run/netns) or a path such as
        C(/proc/PID/ns/net)). Only per-namespace keys are accepted there, and nothing is persisted.
    type: str
  wait:
    description:
      - Seconds to wait for another twtune holding the lock (C(--wait)).
    type: int
    default: 30
  executable:
    description:
      - The twtune command on the managed host. A bare name is looked up on C(PATH), then in
        C(/sbin), C(/usr/sbin) and C(/usr/local/sbin).
    type: str
    default: twtune
  hash:
    description:
      - With I(state=applied), instead of a profile, return the host to the state of the newest
        generation with this content hash (C(twtune rollback --to-hash)), the same live values
        and persisted file on every host, whatever its generation numbers. A host where no
        generation has it fails, unchanged.
      - The hash is a result's I(content_hash), or a line of C(twtune history) (at least 12 hex
        digits).
      - Mutually exclusive with I(path) and I(content).
    type: str
  profiles:
    description:
      - Profiles that I(content) or I(path) extends, as a mapping of name to YAML text. They are
        written to a temporary directory on the managed host, placed first on twtune's search
        path (C(TWTUNE_PROFILE_PATH), before any the task's environment sets), and removed
        afterwards; a profile's C(extends) list finds them there by name.
    type: dict
attributes:
  check_mode:
    support: full
    description: Runs twtune's dry run; nothing on the host changes.
  diff_mode:
    support: full
    description: Before and after as C(key = value) lines of the keys that change, and the
      persisted file's unified diff where twtune reports it.
  platform:
    platforms: posix
    support: full
    description: Linux hosts with twtune installed.
notes:
  - Use C(become) where twtune needs root (applying, rolling back, and verifying with a state
    directory only root can read).
  - The task's C(environment) applies to twtune, for example C(TWTUNE_PROFILE_PATH) to look
    profile names up in more directories.
  - Failures carry twtune's error code and message, the error findings of the profile, and
    twtune's exit code in I(rc).
'''

EXAMPLES = r'''
- name: Apply the installed web-server profile
  twtune.twtune.profile:
    path: web-server
  become: true

- name: Apply a profile kept in the playbook's repository
  twtune.twtune.profile:
    content: "{{ lookup('ansible.builtin.file', 'files/edge.yaml') }}"
  become: true

- name: Live only, inside a container's network namespace
  twtune.twtune.profile:
    path: /etc/twtune/profiles/proxy.yaml
    netns: /proc/4242/ns/net
    persist: false
  become: true

- name: Compliance run; fails on drift, naming each key
  twtune.twtune.profile:
    state: verified
  become: true

- name: Back to the values before twtune
  twtune.twtune.profile:
    state: absent
  become: true

- name: A child profile sent as content, with the parent it extends
  twtune.twtune.profile:
    content: "{{ lookup('ansible.builtin.file', 'files/edge.yaml') }}"
    profiles:
      edge-base: "{{ lookup('ansible.builtin.file', 'files/edge-base.yaml') }}"
  become: true

- name: Fleet rollback to the state of one profile, whatever each host's history
  twtune.twtune.profile:
    hash: "{{ good_hash }}"   # a content_hash returned by an earlier run
  become: true
'''

RETURN = r'''
rc:
  description: twtune's exit code (0 done, 1 drift, 2 usage, 3 invalid profile, 4 rolled back,
    5 environment, 6 rollback incomplete).
  returned: always
  type: int
  sample: 0
cmd:
  description: The command run on the managed host.
  returned: always
  type: str
  sample: twtune --format json apply --wait 30 web-server
current_generation:
  description: The host's newest generation after the task (in check mode, now), changed or not;
    null where twtune never applied anything.
  returned: when twtune printed a result
  type: int
  sample: 4
content_hash:
  description: The content hash of that generation (the SHA-256 of the persisted file's body, the
    same on every host for the same values); the value to pass to I(hash) to return a host to it.
    Null before twtune's first apply or after a rollback to before it.
  returned: when twtune printed a result
  type: str
  sample: 2d0b3b28455863f6a6bb49e7047542bdf16ceb18505583d4fff3b7a6479c2d77
generation:
  description: The generation twtune committed (apply, rollback), or the one verified against;
    null when nothing was committed.
  returned: when twtune printed a result
  type: int
  sample: 3
settings:
  description: twtune's rows, one per key, as C(twtune --format json) prints them.
  returned: when twtune printed a result
  type: list
  elements: dict
  sample:
    - key: net.ipv4.tcp_fin_timeout
      current: "60"
      desired: "30"
      status: change
      mode: value
      source: web-server.yaml:12
      reason: null
      pattern: null
findings:
  description: twtune's findings about the profile (severity, code, key, file, line, column,
    message).
  returned: when twtune printed a result
  type: list
  elements: dict
  sample:
    - severity: error
      code: out-of-range
      key: net.ipv4.tcp_tw_reuse
      file: <stdin>
      line: 4
      column: 3
      message: "net.ipv4.tcp_tw_reuse: 7 is outside 0..2; the kernel rejects it (EINVAL)"
summary:
  description: How many rows have each status.
  returned: when twtune printed a result
  type: dict
  sample: {ok: 5, change: 2, restore: 0, skip: 0, error: 0, write-only: 0, follows: 0, drift: 0}
drifted:
  description: With I(state=verified), the keys that drifted.
  returned: when state is verified
  type: list
  elements: str
  sample: [net.ipv4.tcp_fin_timeout]
error:
  description: twtune's error object (code, message, exit, and the key when a transaction names
    one).
  returned: on failure, when twtune printed one
  type: dict
  sample: {code: invalid-profile, message: "<stdin> is invalid; nothing was changed", exit: 3}
result:
  description: twtune's whole JSON object, for members not copied above.
  returned: when twtune printed a result
  type: dict
stderr:
  description: twtune's standard error.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.twtune.twtune.plugins.module_utils.profile_spec import (
    ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE, REQUIRED_IF)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE,
                           required_if=REQUIRED_IF, supports_check_mode=True)
    module.fail_json(msg='twtune.twtune.profile runs through its action plugin on the controller; '
                         'it cannot run as a module on the managed host (was the collection '
                         'installed whole, with plugins/action/profile.py?)')


if __name__ == '__main__':
    main()
