# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
# The action plugin behind twtune.twtune.profile.
#
# Why an action plugin and not a module: an ordinary module makes Ansible copy and start Python on
# the managed host for every task (about 0.2 s before it does anything), and needs Python there.
# twtune already speaks JSON, so this plugin runs `twtune --format json ...` through the
# connection, as the raw action does, and does the rest on the controller: check mode is twtune's
# own dry run, diff mode is built from twtune's rows, `changed` is twtune's verdict.
#
# How content reaches the host: on twtune's standard input (`twtune apply -`) when the connection
# can pass input to a command (has_pipelining: local, ssh, docker, ...): nothing is written on the
# host, and there is no temporary file to clean up after a failure. Other connections (paramiko,
# or become with su, which reads its password from the same input) get a temporary file in
# Ansible's remote temporary directory, removed afterwards.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import shlex

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase
from ansible_collections.twtune.twtune.plugins.module_utils.profile_spec import (
    ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE, REQUIRED_IF)

# state -> (twtune command, its arguments before the common ones, exit codes that are results)
COMMANDS = {
    'applied': ('apply', [], (0,)),
    'verified': ('verify', [], (0, 1)),
    'absent': ('rollback', ['--to', '0'], (0,)),
}

# Row statuses whose key the command writes (or would write): the lines of --diff.
DIFF_STATUSES = ('change', 'restore', 'follows', 'write-only')

# Members of twtune's object that are not copied into the task's result.
ENVELOPE = ('format', 'command', 'error', 'changed')


def build_argv(args, check_mode, profile_arg):
    """The command line for the task, as a list (quoted later)."""
    command, extra = COMMANDS[args['state']][:2]
    argv = [args['executable'], '--format', 'json', command] + extra
    if check_mode and args['state'] != 'verified':
        argv.append('--dry-run')
    if args['state'] == 'applied' and not args['persist']:
        argv.append('--no-persist')
    argv += ['--wait', str(args['wait'])]
    if args['netns']:
        argv += ['--netns', args['netns']]
    if profile_arg is not None and args['state'] != 'absent':
        argv += ['--', profile_arg]
    return argv


def parse_output(res):
    """twtune's JSON object, or None when it printed none (a crash, a missing binary)."""
    out = to_text(res.get('stdout', ''), errors='surrogate_or_replace').strip()
    if not out:
        return None
    try:
        obj = json.loads(out)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def describe_finding(f):
    where = f.get('file') or ''
    if f.get('line') is not None:
        where += ':%s:%s' % (f.get('line'), f.get('column'))
    about = ', '.join(x for x in (f.get('key'), where) if x)
    return '%s%s: %s' % (f.get('code'), ' (%s)' % about if about else '', f.get('message'))


def error_message(command, obj, rc):
    """msg for a failure twtune reported: its error, the key, the error findings, the exit code."""
    err = obj.get('error') or {}
    msg = 'twtune %s failed (exit %s, %s): %s' % (command, rc, err.get('code', 'unknown'),
                                                  err.get('message', 'no message'))
    if err.get('key'):
        msg += ' [key %s]' % err['key']
    errors = [describe_finding(f) for f in obj.get('findings') or []
              if isinstance(f, dict) and f.get('severity') == 'error']
    if errors:
        msg += '; ' + '; '.join(errors)
    return msg


def drift_message(obj, rc):
    """msg for `verify` drift: each key with its live and expected value, and the file."""
    parts = []
    for row in obj.get('settings') or []:
        if row.get('status') == 'drift':
            why = ' (%s)' % row['reason'] if row.get('reason') else ''
            parts.append('%s is %s, expected %s%s' % (row.get('key'), row.get('current'),
                                                      row.get('desired'), why))
    f = obj.get('file')
    if isinstance(f, dict) and f.get('status') not in (None, 'ok'):
        parts.append('%s is %s' % (f.get('path'), f.get('status')))
    if obj.get('interrupted'):
        parts.append('a transaction was interrupted (run twtune recover)')
    return 'twtune verify found drift (exit %s): %s' % (rc, '; '.join(parts) or 'see settings')


def diff_lines(rows):
    """before/after as `key = value` lines of the keys that change."""
    before, after = [], []
    for row in rows or []:
        if row.get('status') not in DIFF_STATUSES or row.get('current') == row.get('desired'):
            continue
        if row.get('current') is not None:
            before.append('%s = %s\n' % (row['key'], row['current']))
        if row.get('desired') is not None:
            after.append('%s = %s\n' % (row['key'], row['desired']))
    return {'before': ''.join(before), 'after': ''.join(after),
            'before_header': 'live values', 'after_header': 'after twtune'}


class ActionModule(ActionBase):

    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC,
                                           mutually_exclusive=MUTUALLY_EXCLUSIVE,
                                           required_if=REQUIRED_IF)[1]
        try:
            res, argv = self._run_twtune(args)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        result.update(self._interpret(args, res, argv))
        return result

    def _use_stdin(self):
        become = self._connection.become
        return self._connection.has_pipelining and not (become and become.name == 'su')

    def _run_twtune(self, args):
        """Runs twtune on the managed host; returns the raw result and the argv."""
        in_data, profile_arg = None, args['path']
        if args['content'] is not None and args['state'] != 'absent':
            if self._use_stdin():
                in_data, profile_arg = to_bytes(args['content'], errors='surrogate_or_strict'), '-'
            else:
                profile_arg = self._upload(args['content'])
        argv = build_argv(args, self._play_context.check_mode, profile_arg)
        # The task's `environment:` (TWTUNE_PROFILE_PATH, say) applies, as it does to modules.
        env = self._compute_environment_string()
        cmd = (env + ' ' if env else '') + ' '.join(shlex.quote(a) for a in argv)
        res = self._low_level_execute_command(cmd, sudoable=True, in_data=in_data)
        return res, argv

    def _upload(self, content):
        tmpdir = self._make_tmp_path()
        remote = self._connection._shell.join_path(tmpdir, 'profile.yaml')
        self._transfer_data(remote, content)
        self._fixup_perms2([tmpdir, remote])
        return remote

    def _interpret(self, args, res, argv):
        command, result_codes = COMMANDS[args['state']][0], COMMANDS[args['state']][2]
        rc = res.get('rc')
        stderr = to_text(res.get('stderr', ''), errors='surrogate_or_replace')
        # failed is always set: Ansible takes a result with a non-zero rc and no 'failed' for a
        # failure, and rc 5 with nothing-applied is not one.
        out = {'rc': rc, 'cmd': ' '.join(shlex.quote(a) for a in argv), 'stderr': stderr,
               'changed': False, 'failed': False}
        obj = parse_output(res)
        if obj is None:
            hint = ' (is twtune installed? executable=%s)' % args['executable'] if rc == 127 else ''
            out.update(failed=True, stdout=to_text(res.get('stdout', '')),
                       msg='twtune %s printed no JSON result (exit %s)%s: %s'
                       % (command, rc, hint, stderr.strip() or 'no error output'))
            return out
        out.update((k, v) for k, v in obj.items() if k not in ENVELOPE)
        err = obj.get('error')
        if isinstance(err, dict):
            out['error'] = err
            if args['state'] == 'absent' and err.get('code') == 'nothing-applied':
                out['msg'] = 'twtune has applied nothing on this host: nothing to roll back'
                return out
            out.update(failed=True, msg=error_message(command, obj, rc))
            return out
        if rc not in result_codes:
            out.update(failed=True, msg='twtune %s exited %s without an error object: %s'
                       % (command, rc, stderr.strip() or 'no error output'))
            return out
        if args['state'] == 'verified':
            out['drifted'] = [r.get('key') for r in obj.get('settings') or []
                              if r.get('status') == 'drift']
            if rc == 1 or obj.get('drift'):
                out.update(failed=True, msg=drift_message(obj, rc))
            elif obj.get('generation') is None and obj.get('profile') is None:
                # Not drift, but a compliance run should hear that there was nothing to compare.
                out['warnings'] = ['twtune has applied nothing on this host: nothing was verified']
            return out
        out['changed'] = bool(obj.get('changed'))
        if self._task.diff and out['changed']:
            out['diff'] = diff_lines(obj.get('settings'))
        return out
