#!/usr/bin/env python3
"""The soak: 200 boards held through many Engine.IO heartbeats while a counter calls every few seconds.

Boards, kiosks and staff pages keep their WebSocket for hours; Engine.IO pings every 10 s and drops a
client that does not answer within 10 s more. A writer path that loses the heartbeat drops every board
20 s after it connects (it happened: issue 16), so this runs well past that, counting every board's
drops and every call it did not get. It is bench_server.py's display phase, made long and slow:

    .venv/bin/python bench/soak.py                  # 200 boards, 90 s, a call every 3 s
    .venv/bin/python bench/soak.py --seconds 600    # ten minutes
    .venv/bin/python bench/soak.py --json           # the report as JSON on stdout

Exit status: 0 when no board dropped, none missed a call and the latency target held; 1 when not;
2 when the soak could not run. tests/test_soak.py holds the same check in the test suite (20 boards and
Chromium for 80 s).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_server  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seconds', type=float, default=90.0, help='how long the counter calls (default 90)')
    parser.add_argument('--every', type=float, default=3.0, help='seconds between calls (default 3)')
    parser.add_argument('--displays', type=int, default=200, help='boards to hold (default 200)')
    args, rest = parser.parse_known_args(argv)
    if args.seconds < 1 or args.every <= 0 or args.displays < 1:
        parser.error('--seconds must be at least 1, --every positive, --displays at least 1')
    calls = max(1, int(args.seconds // args.every))
    return bench_server.main(['--skip', 'issue', '--skip', 'throughput', '--skip', 'paced',
                              '--displays', str(args.displays), '--calls', str(calls),
                              '--interval', str(args.every)] + rest)


if __name__ == '__main__':
    sys.exit(main())
