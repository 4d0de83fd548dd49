#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ansible-test sanity on the twtune.twtune collection, offline, with Debian's packages.

ansible-test gives each sanity test a virtual environment and fills it with pip from PyPI,
which a machine without network (or a CI that should not depend on PyPI) cannot do. This
wrapper makes those environments see the system's site-packages and skips pip, so the tests run
with Debian's pylint, pycodestyle, yamllint and voluptuous (python3-voluptuous,
python3-pycodestyle, pylint, yamllint, python3-packaging). Versions differ from the ones
ansible-test pins (pylint 2.16 instead of 2.15.5), which is the price of running offline.

    tests/tools/ansible_sanity.py SRCDIR WORKDIR [ansible-test sanity arguments...]

copies SRCDIR/packaging/ansible to WORKDIR/ansible_collections/twtune/twtune (the layout
ansible-test requires), and runs `ansible-test sanity --python X.Y ARGS` there, with HOME in
WORKDIR so its caches stay out of the user's home.
"""
import os
import shutil
import subprocess
import sys


def run_inside():
    # Runs in the child: patch ansible-test, then start it as its command-line stub does.
    from ansible_test._internal import main
    from ansible_test._internal import venv
    from ansible_test._internal.commands import sanity

    create = venv.create_virtual_environment

    def with_system_site_packages(args, python, path, system_site_packages=False, pip=False):
        return create(args, python, path, system_site_packages=True, pip=pip)

    sanity.create_virtual_environment = with_system_site_packages
    sanity.run_pip = lambda *args, **kwargs: None
    sys.argv = ['ansible-test'] + sys.argv[2:]  # ansible-test reads sys.argv too
    main(sys.argv)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--inside':
        run_inside()
        return 0
    src, work = sys.argv[1], os.path.abspath(sys.argv[2])
    root = os.path.join(work, 'ansible_collections', 'twtune', 'twtune')
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(os.path.join(src, 'packaging', 'ansible'), root)
    env = dict(os.environ, HOME=work)
    py = '%d.%d' % sys.version_info[:2]
    argv = [sys.executable, os.path.abspath(__file__), '--inside', 'sanity', '--python', py]
    return subprocess.call(argv + sys.argv[3:], cwd=root, env=env)


if __name__ == '__main__':
    sys.exit(main())
