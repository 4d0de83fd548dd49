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
# The executable is looked up as Ansible's get_bin_path does: on PATH, then in /sbin, /usr/sbin and
# /usr/local/sbin, which `become_method: su` on Debian leaves off PATH (twtune is in /usr/sbin).
#
# `profiles` (name -> YAML text) ships the parents a profile extends: they go to a temporary
# directory on the host, placed first on twtune's search path (TWTUNE_PROFILE_PATH), removed after.
#
# How content reaches the host: on twtune's standard input (`twtune apply -`) when the connection
# can pass input to a command (has_pipelining: local, ssh, docker, ...): nothing is written on the
# host, and there is no temporary file to clean up after a failure. Other connections (paramiko,
# or become with su, which reads its password from the same input) get a temporary file in
# Ansible's remote temporary directory, removed afterwards.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
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

# Members of twtune's object that are not copied into the task's result (twtune's `state` is
# copied as current_generation and content_hash: a result's `state` would read as the option's).
ENVELOPE = ('format', 'command', 'error', 'changed', 'state')

# Where get_bin_path looks after PATH.
SBIN_DIRS = ('/sbin', '/usr/sbin', '/usr/local/sbin')

# A name a profile's extends can use: a file NAME.yaml in the search directory.
PROFILE_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*$')


def build_argv(args, check_mode, profile_arg):
    """The command line for the task, as a list (quoted later)."""
    command, extra = COMMANDS[args['state']][:2]
    if args['hash'] is not None:  # back to the state of a content hash: a rollback
        command, extra = 'rollback', ['--to-hash', args['hash']]
    argv = [args['executable'], '--format', 'json', command] + extra
    if check_mode and args['state'] != 'verified':
        argv.append('--dry-run')
    if args['state'] == 'applied' and args['hash'] is None and not args['persist']:
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


def finding_warnings(obj):
    """twtune's warnings, as Ansible warnings: FILE:LINE:COLUMN: message [code]."""
    out = []
    for f in obj.get('findings') or []:
        if not isinstance(f, dict) or f.get('severity') != 'warning':
            continue
        where = f.get('file') or ''
        if f.get('line') is not None:
            where += ':%s:%s' % (f.get('line'), f.get('column'))
        out.append('twtune: %s%s [%s]' % (where + ': ' if where else '', f.get('message'), f.get('code')))
    return out


def printed(res):
    """What the command printed, stdout and stderr, for a failure that has no JSON to explain it."""
    parts = []
    for stream in ('stdout', 'stderr'):
        text = to_text(res.get(stream, ''), errors='surrogate_or_replace').strip()
        if text:
            parts.append(text)
    return ' | '.join(parts) or 'no output'


def persist_diff(persist):
    """Diff mode's entry for the persisted file, from apply's `persist` object (issue 18's contract:
    path, action create|change|remove|none, diff: a unified diff), or None when there is none."""
    if not isinstance(persist, dict) or persist.get('action') in (None, 'none'):
        return None
    path = persist.get('path') or '99-twtune.conf'
    text = persist.get('diff') or ''
    if text and not text.endswith('\n'):
        text += '\n'
    done = {'create': 'created', 'change': 'changed', 'remove': 'removed'}.get(persist['action'], persist['action'])
    return {'prepared': '%s: %s\n%s' % (path, done, text)}


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
        if args['hash'] is not None and args['state'] != 'applied':
            raise AnsibleActionFail('hash returns a host to the state of a content hash: use it with state=applied')
        for name in args['profiles'] or {}:
            if not PROFILE_NAME.match(name):
                raise AnsibleActionFail('profiles: %r is not a profile name (letters, digits, ".", "_", "-")' % name)
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
        env = {}
        self._compute_environment_string(raw_environment_out=env)
        if args['profiles']:
            pdir = self._upload_profiles(args['profiles'])
            env['TWTUNE_PROFILE_PATH'] = pdir + (':' + env['TWTUNE_PROFILE_PATH'] if env.get('TWTUNE_PROFILE_PATH') else '')
        cmd = ' '.join(self._env_words(env, args['executable']) + [shlex.quote(a) for a in argv])
        res = self._low_level_execute_command(cmd, sudoable=True, in_data=in_data)
        return res, argv

    @staticmethod
    def _env_words(env, executable):
        """VAR=value words before the command; PATH gains the sbin directories for a bare name."""
        words = ['%s=%s' % (k, shlex.quote(to_text(v))) for k, v in env.items() if k != 'PATH']
        path = shlex.quote(to_text(env['PATH'])) if 'PATH' in env else '"$PATH"'
        if '/' not in executable:
            words.append('PATH=%s:%s' % (path, ':'.join(SBIN_DIRS)))
        elif 'PATH' in env:
            words.append('PATH=%s' % path)
        return words

    def _tmpdir(self):
        return self._connection._shell.tmpdir or self._make_tmp_path()

    def _upload(self, content):
        tmpdir = self._tmpdir()
        remote = self._connection._shell.join_path(tmpdir, 'profile.yaml')
        self._transfer_data(remote, content)
        self._fixup_perms2([tmpdir, remote])
        return remote

    def _upload_profiles(self, profiles):
        """Each parent as NAME.yaml in a directory of the temporary one; returns the directory."""
        tmpdir = self._tmpdir()
        pdir = self._connection._shell.join_path(tmpdir, 'profiles')
        res = self._low_level_execute_command('mkdir %s' % shlex.quote(pdir), sudoable=False)
        if res.get('rc') != 0:
            raise AnsibleActionFail('cannot make %s on the host: %s' % (pdir, printed(res)))
        paths = [tmpdir, pdir]
        for name, text in profiles.items():
            remote = self._connection._shell.join_path(pdir, name + '.yaml')
            self._transfer_data(remote, to_text(text))
            paths.append(remote)
        self._fixup_perms2(paths)
        return pdir

    def _interpret(self, args, res, argv):
        command, result_codes = COMMANDS[args['state']][0], COMMANDS[args['state']][2]
        if args['hash'] is not None:
            command = 'rollback'

        rc = res.get('rc')
        stderr = to_text(res.get('stderr', ''), errors='surrogate_or_replace')
        # failed is always set: Ansible takes a result with a non-zero rc and no 'failed' for a
        # failure, and rc 5 with nothing-applied is not one.
        out = {'rc': rc, 'cmd': ' '.join(shlex.quote(a) for a in argv), 'stderr': stderr,
               'changed': False, 'failed': False}
        obj = parse_output(res)
        if obj is None:
            hint = ''
            if rc == 127:
                hint = ' (is twtune installed? executable=%s, looked up on PATH and in %s)' % (
                    args['executable'], ', '.join(SBIN_DIRS))
            out.update(failed=True, stdout=to_text(res.get('stdout', '')),
                       msg='twtune %s printed no JSON result (exit %s)%s: %s' % (command, rc, hint, printed(res)))
            return out
        out.update((k, v) for k, v in obj.items() if k not in ENVELOPE)
        # The host's generation and content hash, changed or not (null from a twtune without them).
        st = obj.get('state') if isinstance(obj.get('state'), dict) else {}
        out['current_generation'] = st.get('generation')
        out['content_hash'] = st.get('hash')
        warnings = finding_warnings(obj)
        if warnings:
            out['warnings'] = warnings
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
        if args['hash'] is not None:
            out['changed'] = bool(obj.get('changed'))
            if self._task.diff and out['changed']:
                out['diff'] = diff_lines(obj.get('settings'))
            return out
        if args['state'] == 'verified':
            out['drifted'] = [r.get('key') for r in obj.get('settings') or []
                              if r.get('status') == 'drift']
            if rc == 1 or obj.get('drift'):
                out.update(failed=True, msg=drift_message(obj, rc))
            elif obj.get('generation') is None and obj.get('profile') is None:
                # Not drift, but a compliance run should hear that there was nothing to compare.
                out['warnings'] = out.get('warnings', []) + ['twtune has applied nothing on this host: nothing was verified']
            return out
        persist = obj.get('persist')
        file_changes = isinstance(persist, dict) and persist.get('action') not in (None, 'none')
        out['changed'] = bool(obj.get('changed')) or file_changes
        if self._task.diff and out['changed']:
            diffs = [diff_lines(obj.get('settings'))]
            fd = persist_diff(persist)
            if fd:
                diffs.append(fd)
            out['diff'] = diffs if len(diffs) > 1 else diffs[0]
        return out
