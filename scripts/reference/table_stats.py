"""Reference values for test/eval/table-stats.test.ts: SciPy's paired tests and statsmodels' Holm adjustment.

Run once with Debian's /usr/bin/python3 (python3-scipy, python3-statsmodels); the printed values are pasted
into the test as constants, so the test needs no python. Never a runtime dependency of memrec.

The data: three models (A the reference, B and C) on 60 users and two metrics, per-user values rounded to
two decimals (so there are ties and zero differences, as with real metric values). The comparisons are listed
in the order memrec's tableStatistics makes them: per metric, B and C against the reference A, then B against
the best (C); A against C is the comparison C - A already made. Holm's adjustment runs over all six.
"""
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(20261206)
n = 60
data = {}
for metric, shift in [('m1', 0.0), ('m2', 0.05)]:
    base = rng.uniform(0, 1, n)
    A = np.round(np.clip(base + rng.normal(0.00 + shift, 0.15, n), 0, 1), 2)
    B = np.round(np.clip(base + rng.normal(-0.05, 0.15, n), 0, 1), 2)
    C = np.round(np.clip(base + rng.normal(0.06, 0.15, n), 0, 1), 2)
    data[metric] = (A, B, C)
    for name, values in zip('ABC', (A, B, C)):
        print(metric, name, '=', list(values))

t_p, w_p = [], []
for metric in ['m1', 'm2']:
    A, B, C = data[metric]
    for x, y, name in [(B, A, 'B-A'), (C, A, 'C-A'), (B, C, 'B-C')]:
        t = stats.ttest_rel(x, y)
        # scipy 1.10: 60 pairs with ties and zeros -> the normal approximation, zeros dropped (as memrec)
        w = stats.wilcoxon(x, y, zero_method='wilcox', correction=False)
        print(metric, name, 'difference', repr((x - y).mean()), 't', repr(t.statistic), 't p', repr(t.pvalue), 'wilcoxon p', repr(w.pvalue))
        t_p.append(t.pvalue)
        w_p.append(w.pvalue)
print('t-test p, Holm', [repr(v) for v in multipletests(t_p, method='holm')[1]])
print('Wilcoxon p, Holm', [repr(v) for v in multipletests(w_p, method='holm')[1]])

r = np.random.default_rng(7)
ps = np.round(r.uniform(0, 0.2, 12) ** 2, 6)
print('p', list(ps))
print('p, Holm', [repr(v) for v in multipletests(ps, method='holm')[1]])

x = np.array([0.3, 0.1, 0.7, 0.2, 0.9, 0.5, 0.4])
print('percentiles 2.5, 97.5, 50', repr(np.percentile(x, 2.5)), repr(np.percentile(x, 97.5)), repr(np.percentile(x, 50)))
