"""bench/waits.py (the wait forecast's replay, issue #22) runs end to end and its figures add up. Whether the
forecast meets its goals is for people reading a full run (bench/README.md), not checked here."""
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LINES = {'CT', 'HT', 'DD'}


@pytest.mark.slow
def test_quick_replay_reports_every_line_of_both_scenarios():
    done = subprocess.run([sys.executable, str(ROOT / 'bench' / 'waits.py'), '--quick', '--json'], cwd=str(ROOT),
                          capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report['error'] is None and report['history_days'] == 1
    assert set(report['scenarios']) == {'steady', 'rush'}
    for name, scenario in report['scenarios'].items():
        assert set(scenario['lines']) == LINES, name
        assert sum(f['n'] for f in scenario['lines'].values()) == scenario['overall']['n']
        assert 0 < scenario['utilisation']['mean'] <= 1
        for line, figures in list(scenario['lines'].items()) + [('all', scenario['overall'])]:
            where = '%s %s' % (name, line)
            assert figures['n'] > 0, where
            assert 0 <= figures['mean_actual_min'] <= figures['max_actual_min'], where
            assert figures['forecast_mae_min'] >= abs(figures['forecast_bias_min']), where
            assert figures['naive_mae_min'] >= abs(figures['naive_bias_min']), where
            for share in ('in_range_share', 'told_zero_all_busy_share', 'naive_zero_all_busy_share'):
                assert 0 <= figures[share] <= 1, (where, share)
            assert 0 <= figures['issued_all_busy'] <= figures['n'], where
            assert 0 <= figures['sms_none'] <= figures['sms_due'] <= figures['n'], where
            if figures['sms_due']:
                assert 0 <= figures['sms_in_time_share'] <= 1, where
        assert [g['met'] in (True, False) for g in scenario['goals']] == [True, True], name
    # The rush's arrivals outrun the counters: its citizens wait longer than the steady morning's.
    assert report['scenarios']['rush']['overall']['mean_actual_min'] > report['scenarios']['steady']['overall'][
        'mean_actual_min']
