"""Build the office PC's package with PyInstaller: `python -m server.desktop.package [--dist DIR] [--zip]`.

The same on Windows (luot.exe, no Python needed on the office PC) and Linux (what CI builds to prove the spec
still works). The folder dist/luot is the program; --zip also writes dist/luot-<version>-<platform>.zip.
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'luot.spec')


def build(dist='dist', work=os.path.join('build', 'pyinstaller')):
    """Run PyInstaller on the spec; the path of the program's folder."""
    subprocess.run([sys.executable, '-m', 'PyInstaller', '--noconfirm', '--log-level', 'WARN', '--distpath', dist,
                    '--workpath', work, SPEC], check=True)
    return os.path.join(dist, 'luot')


def archive(folder):
    """dist/luot-0.1.0-windows-amd64.zip beside the folder, to copy to the office PC."""
    name = 'luot-%s-%s-%s' % (metadata.version('luot'), platform.system().lower(), platform.machine().lower())
    return shutil.make_archive(os.path.join(os.path.dirname(folder), name), 'zip', os.path.dirname(folder), 'luot')


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m server.desktop.package', description=__doc__.splitlines()[0])
    parser.add_argument('--dist', default='dist', help='where the folder luot goes (default dist)')
    parser.add_argument('--work', default=os.path.join('build', 'pyinstaller'), help="PyInstaller's work folder")
    parser.add_argument('--zip', action='store_true', help='also write a zip of the folder')
    args = parser.parse_args(argv)
    folder = build(args.dist, args.work)
    print(folder)
    if args.zip:
        print(archive(folder))


if __name__ == '__main__':
    main()
