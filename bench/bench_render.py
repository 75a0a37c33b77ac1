"""Time render_ticket + ticket_bytes over 200 tickets per paper width: median and p99.

Run: .venv/bin/python bench/bench_render.py [count]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from printer.escpos_output import ticket_bytes  # noqa: E402


def ticket(n):
    """A realistic ticket; the number and link change so nothing is served from a cache."""
    return {
        'office_name': 'Ủy ban nhân dân phường Bến Nghé',
        'office_address': 'Bộ phận Một cửa - 29 Lê Duẩn, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
        'service_name': 'Đất đai - Xây dựng', 'number': f'A{n % 1000:03d}',
        'issued_at': '23/11/2025 09:15', 'ahead': n % 40, 'estimated_wait_min': 3 + n % 60,
        'name': 'Nguyễn Thị Hồng Nhung' if n % 2 else None,
        'track_url': f'http://192.168.1.10:5000/t/{n:022d}',
        'footer_text': 'Đường dây nóng: 028 3823 4567\nGiờ làm việc: Thứ Hai - Thứ Sáu, 7:30 - 17:00',
        'footer_qr_url': 'http://192.168.1.10:5000/huong-dan/dat-dai',
    }


def measure(paper_width_mm, count):
    """(wall, CPU) seconds per ticket for `count` tickets, after one warm-up (font loading).

    CPU time is reported too because it does not grow when other work shares the machine.
    """
    ticket_bytes(ticket(0), paper_width_mm)
    wall, cpu = [], []
    for n in range(1, count + 1):
        started, started_cpu = time.perf_counter(), time.thread_time()
        ticket_bytes(ticket(n), paper_width_mm)
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return sorted(wall), sorted(cpu)


def summary(times):
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return f'median {statistics.median(times) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms'


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for paper_width_mm in (58, 80):
        wall, cpu = measure(paper_width_mm, count)
        size = len(ticket_bytes(ticket(1), paper_width_mm))
        print(f'{paper_width_mm} mm, {count} tickets of {size // 1024} KiB: wall {summary(wall)}; '
              f'CPU {summary(cpu)}')


if __name__ == '__main__':
    main()
