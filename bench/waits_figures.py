"""The figures of bench/waits.py: how far the wait told at issue was from the wait had, per line and overall,
the naive estimate's beside it, the range's coverage, and the "turn is near" SMS's lead; the goals of issue #22.

A record is one measured ticket: line, told (whole minutes), low and high (the range told), naive (minutes),
all_busy (every counter serving its line was busy at issue), actual (called - issued, minutes) and sms_lead
(called - the SMS's queueing, minutes, None without one)."""
import statistics

GOALS = {'steady': 'forecast MAE < 3 min and |bias| < 1.5 min',
         'rush': 'forecast MAE <= 20 % and |bias| < 10 % of the mean actual wait'}
SMS_GOAL = 0.9


def _mean(values):
    return statistics.fmean(values) if values else None


def wait_figures(records, turn_near):
    """The figures of a group of records (see the module)."""
    n = len(records)
    if not n:
        return {'n': 0}
    actual = _mean([r['actual'] for r in records])
    errors = [r['told'] - r['actual'] for r in records]
    naive = [r['naive'] - r['actual'] for r in records]
    busy = [r for r in records if r['all_busy']]
    due = [r for r in records if r['actual'] >= turn_near + 1]
    leads = [r['sms_lead'] for r in due if r['sms_lead'] is not None]
    figures = {
        'n': n, 'mean_actual_min': actual, 'max_actual_min': max(r['actual'] for r in records),
        'forecast_mae_min': _mean([abs(e) for e in errors]), 'forecast_bias_min': _mean(errors),
        'naive_mae_min': _mean([abs(e) for e in naive]), 'naive_bias_min': _mean(naive),
        'in_range_share': sum(1 for r in records if r['low'] <= r['actual'] <= r['high']) / n,
        'issued_all_busy': len(busy),
        'told_zero_all_busy_share': sum(1 for r in busy if r['told'] == 0) / len(busy) if busy else 0.0,
        'naive_zero_all_busy_share': sum(1 for r in busy if r['naive'] < 0.5) / len(busy) if busy else 0.0,
        'sms_due': len(due), 'sms_none': len(due) - len(leads),
        'sms_in_time_share': sum(1 for lead in leads if lead >= turn_near) / len(due) if due else None,
        'sms_median_lead_min': statistics.median(leads) if leads else None,
    }
    for key in ('forecast_mae', 'forecast_bias', 'naive_mae', 'naive_bias'):
        figures[key + '_pct'] = 100 * figures[key + '_min'] / actual if actual else None
    return figures


def scenario_figures(name, days, turn_near, setup, codes):
    """Per line (`codes`, in this order) and overall pooled over the days (seeds), the median over seeds of the
    overall figures, the utilisation, and the goals with whether each is met."""
    records = [r for day in days for r in day['records']]
    per_seed = [wait_figures(day['records'], turn_near) for day in days]
    median = {key: statistics.median([f[key] for f in per_seed if f.get(key) is not None])
              for key in per_seed[0] if any(f.get(key) is not None for f in per_seed)}
    overall = wait_figures(records, turn_near)
    utilisation = [day['utilisation'] for day in days]
    return {'setup': setup, 'utilisation': {'mean': _mean(utilisation), 'min': min(utilisation),
                                            'max': max(utilisation)},
            'after_closing_min': _mean([day['drain_min'] for day in days]),
            'lines': {code: wait_figures([r for r in records if r['line'] == code], turn_near)
                      for code in codes},
            'overall': overall, 'median_over_seeds': median, 'per_seed': per_seed, 'goals': goals(name, overall)}


def goals(name, overall):
    judged = []
    if name == 'steady':
        judged.append({'goal': 'steady: ' + GOALS['steady'],
                       'met': overall['forecast_mae_min'] < 3 and abs(overall['forecast_bias_min']) < 1.5})
    elif name == 'rush':
        judged.append({'goal': 'rush: ' + GOALS['rush'],
                       'met': overall['forecast_mae_pct'] <= 20 and abs(overall['forecast_bias_pct']) < 10})
    share = overall['sms_in_time_share']
    judged.append({'goal': '%s: SMS in time for at least 9 in 10' % name,
                   'met': share is not None and share >= SMS_GOAL})
    return judged


def _cell(value, form='%.1f'):
    return '-' if value is None else form % value


def _wait_row(label, f, rush):
    row = [label, '%d' % f['n'], _cell(f['mean_actual_min']), _cell(f['forecast_mae_min']),
           _cell(f['forecast_bias_min'], '%+.1f'), _cell(f['naive_mae_min']), _cell(f['naive_bias_min'], '%+.1f')]
    if rush:
        row += [_cell(f['forecast_mae_pct'], '%.0f%%'), _cell(f['forecast_bias_pct'], '%+.0f%%'),
                _cell(f['naive_mae_pct'], '%.0f%%'), _cell(f['naive_bias_pct'], '%+.0f%%')]
    row += [_cell(100 * f['in_range_share'], '%.0f%%'),
            '%s / %s (of %d)' % (_cell(100 * f['told_zero_all_busy_share'], '%.0f%%'),
                                 _cell(100 * f['naive_zero_all_busy_share'], '%.0f%%'), f['issued_all_busy'])]
    return row


def _sms_row(label, f):
    share = f['sms_in_time_share']
    return [label, '%d' % f['sms_due'], _cell(None if share is None else 100 * share, '%.0f%%'),
            _cell(f['sms_median_lead_min']), '%d' % f['sms_none']]


def _table(header, rows):
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    lines = ['  '.join(str(cell).rjust(width) if i else str(cell).ljust(width)
                       for i, (cell, width) in enumerate(zip(row, widths))) for row in [header] + rows]
    lines.insert(1, '  '.join('-' * width for width in widths))
    return '\n'.join(lines)


def print_report(report):
    setup = report['setup']
    mix = ', '.join('%s %.0f %% ~%.0f min' % (c, 100 * v['share'], v['mean_min']) for c, v in setup['lines'].items())
    print('Wait forecast replay (issue #22): lines %s; counters %s; service times lognormal, CV %.2f; '
          'priority %.0f %%; turn_near_minutes %d; earlier days: %d' % (
              mix,
              ', '.join('%s: %s' % (n, '+'.join(s)) for n, s in setup['counters'].items()), setup['service_cv'],
              100 * setup['priority_share'], setup['turn_near_minutes'], report['history_days']))
    if setup.get('oracle'):
        print('ORACLE: the forecast was told the true means and priority pace (not what the server knows)')
    for name, figures in report['scenarios'].items():
        s, u = figures['setup'], figures['utilisation']
        rush = name == 'rush'
        print('\n== %s: %.1f h of walk-ins at %.1f/h (offered load %.2f), %d seeds; counters busy %.0f %% of the '
              'session (seeds %.0f-%.0f %%), then %.0f min to serve the rest' % (
                  name, s['hours'], s['arrivals_per_hour'], s['load'], s['seeds'], 100 * u['mean'], 100 * u['min'],
                  100 * u['max'], figures['after_closing_min']))
        header = ['line', 'n', 'wait', 'fc MAE', 'fc bias', 'naive MAE', 'naive bias']
        header += ['fc MAE%', 'fc bias%', 'nv MAE%', 'nv bias%'] if rush else []
        header += ['in range', 'told 0 all busy fc/naive']
        rows = [_wait_row(code, f, rush) for code, f in figures['lines'].items()]
        rows.append(_wait_row('all', figures['overall'], rush))
        rows.append(_wait_row('median/seed', figures['median_over_seeds'], rush))
        print(_table(header, rows))
        print('(minutes; bias = told - actual; "in range" = actual wait within the range told)')
        sms_rows = [_sms_row(code, f) for code, f in figures['lines'].items()]
        sms_rows.append(_sms_row('all', figures['overall']))
        print(_table(['SMS', 'waited >= %d min' % (report['setup']['turn_near_minutes'] + 1),
                      'sent >= %d min before call' % report['setup']['turn_near_minutes'], 'median lead', 'no SMS'],
                     sms_rows))
        for goal in figures['goals']:
            print('goal %-70s %s' % (goal['goal'], 'MET' if goal['met'] else 'MISSED'))
    if report['error']:
        print('\nThe replay could not run: %s' % report['error'])
    print('\nruntime %.1f s' % report['runtime_s'])
