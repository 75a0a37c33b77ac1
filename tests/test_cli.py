"""run.py as an office uses it: token create, the demo office, a clean stop."""
import re
import subprocess
import sys

import requests

from tests.conftest import ROOT, bearer


def test_token_create_prints_one_line(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'token', 'create', '--role', 'kiosk',
                          '--name', 'Kiosk sảnh', '--data-dir', str(tmp_path)],
                         capture_output=True, text=True, timeout=60, check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) >= 40


def test_token_create_refuses_unknown_role(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'token', 'create', '--role', 'boss',
                          '--name', 'x', '--data-dir', str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and 'invalid choice' in out.stderr and out.stdout == ''


def test_demo_office_serves_and_stops_cleanly_on_sigterm(live_server):
    server = live_server(demo=True)
    assert requests.get(server.url + '/api/v1/openapi.json', timeout=10).status_code == 200
    admin = server.token('admin')
    queue = requests.get(server.url + '/api/v1/queue', headers=bearer(admin), timeout=10).json()
    names = [s['name'] for s in queue['services']]
    assert {'Chứng thực', 'Hộ tịch', 'Đất đai - Xây dựng', 'Chính sách xã hội', 'Tư pháp'} <= set(names)
    assert 4 <= len(queue['counters']) <= 6
    output = server.log_text()
    assert '/kiosk?token=' in output and '/display?token=' in output
    # No fixed password: each account's is generated, printed once, and different from the others'.
    printed = dict(re.findall(r'^ +(\w+) +\w+ +mật khẩu/password: (\S+)$', output, re.M))
    assert set(printed) == {'admin', 'letan', 'quay1', 'quay2', 'tongdai'}
    assert len(set(printed.values())) == 5 and all(len(p) >= 12 for p in printed.values())
    assert 'luot-admin' not in output
    assert server.stop() == 0


def test_unreachable_database_is_a_plain_message(tmp_path):
    import os
    env = dict(os.environ, LUOT_DATABASE_URL='postgresql://nobody@127.0.0.1:1/none')
    out = subprocess.run([sys.executable, str(ROOT / 'run.py'), 'token', 'create', '--role', 'kiosk', '--name', 'x',
                          '--data-dir', str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and 'không mở được cơ sở dữ liệu' in out.stderr and 'Traceback' not in out.stderr
