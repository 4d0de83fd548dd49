# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
# The options of twtune.twtune.profile, in one place: the action plugin validates the task
# with them on the controller, and the module stub declares them so that ansible-doc and
# ansible-test's validate-modules see the same table the plugin enforces.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

ARGUMENT_SPEC = dict(
    path=dict(type='str'),
    content=dict(type='str'),
    state=dict(type='str', default='applied', choices=['applied', 'verified', 'absent']),
    persist=dict(type='bool', default=True),
    netns=dict(type='str'),
    wait=dict(type='int', default=30),
    executable=dict(type='str', default='twtune'),
    hash=dict(type='str'),
    profiles=dict(type='dict'),
)

MUTUALLY_EXCLUSIVE = [('path', 'content', 'hash')]

# 'verified' without a profile compares against the last generation, as 'twtune verify' does.
REQUIRED_IF = [('state', 'applied', ('path', 'content', 'hash'), True)]
