#!/usr/bin/env python3
"""Independent reference for `memrec eval --rankings`: scores a TREC run against TREC qrels.

Usage: trec_reference.py RUN QRELS METRIC@N[,METRIC@N...]
Prints one JSON object {metric@N: mean}, with the metric names as given.

Written from the metric definitions, not from memrec's code, so that the two can be compared.

  run lines:   user Q0 item rank score tag   (a user's list is ordered by score, highest first; the rank
               column is ignored; equal scores are ordered by item id descending, trec_eval's convention,
               comparing ids by code point, which is the byte order of their UTF-8 encoding)
  qrels lines: user 0 item relevance          (relevance > 0 is relevant)

Fields are separated by ASCII whitespace, as trec_eval splits them; blank lines are skipped.
The mean is over the users of the qrels file. A user without a ranking, or without any relevant item,
scores 0 on every metric and still counts. Run lines of users absent from the qrels are ignored (but must
still be well formed). Per user u with relevant set T_u and ranked list cut at N (hits = relevant items in
the top N; a list shorter than N is not padded with hits):

  precision@N  hits / N               recall@N  hits / |T_u|
  f1@N         2PR / (P + R), 0 when both are 0
  hr@N         1 if hits > 0
  ndcg@N       sum over hit ranks k of 1/log2(k+1), over the same sum for ranks 1..min(|T_u|, N)
  map@N        (1 / min(|T_u|, N)) * sum over hit ranks k of P@k
  map_rel@N    (1 / |T_u|) * sum over hit ranks k of P@k (memrec's extra metric, the MARS normaliser)
  mrr@N        1 / rank of the first hit in the top N, 0 without one
"""
import json
import math
import re
import sys

ASCII_SPACE = ' \t\n\r\f\v'
SPLIT = re.compile('[' + re.escape(ASCII_SPACE) + ']+')
# A plain decimal number; Python's float() would also take "inf", "nan" and "1_0", which are not scores.
DECIMAL = re.compile(r'[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')
ALIASES = {'p': 'precision', 'r': 'recall', 'hit': 'hr', 'hitrate': 'hr'}


def fail(message):
    sys.stderr.write(message + '\n')
    sys.exit(2)


def number(text, where, what):
    if not DECIMAL.fullmatch(text):
        fail(f'{where}: {what} {text!r} is not a number')
    value = float(text)
    if not math.isfinite(value):
        fail(f'{where}: {what} {text!r} is not finite')
    return value


def records(path, width):
    """Yields (file:line, fields) for every non-blank line, checking the field count."""
    with open(path, encoding='utf-8') as f:
        # Universal newlines: \n, \r\n and a lone \r each end a line, as in node's readline.
        for line_number, line in enumerate(f, start=1):
            stripped = line.strip(ASCII_SPACE)
            if stripped == '':
                continue
            fields = SPLIT.split(stripped)
            where = f"{path}:{line_number}"
            if len(fields) != width:
                fail(f'{where}: expected {width} fields, got {len(fields)}')
            yield where, fields


def read_qrels(path):
    """{user: set of relevant items}, for every user that appears, in file order."""
    judged = {}
    relevant = {}
    for where, (user, _, item, rel_text) in records(path, 4):
        rel = number(rel_text, where, 'relevance')
        seen = judged.setdefault(user, set())
        if item in seen:
            fail(f'{where}: item {item} judged twice for user {user}')
        seen.add(item)
        relevant.setdefault(user, set())
        if rel > 0:
            relevant[user].add(item)
    if not relevant:
        fail(f'{path}: no judged users')
    return relevant


def read_run(path):
    """{user: [(score, item), ...]} in file order."""
    run = {}
    ranked = {}
    for where, (user, _, item, _, score_text, _) in records(path, 6):
        score = number(score_text, where, 'score')
        seen = ranked.setdefault(user, set())
        if item in seen:
            fail(f'{where}: item {item} ranked twice for user {user}')
        seen.add(item)
        run.setdefault(user, []).append((score, item))
    return run


def ranked_items(entries):
    # Highest score first, then item id descending: sort the (score, item) pairs in reverse.
    return [item for _, item in sorted(entries, reverse=True)]


def user_metric(name, n, ranked, relevant):
    if not relevant:
        return 0.0
    top = ranked[:n]
    hit_ranks = [k for k, item in enumerate(top, start=1) if item in relevant]
    hits = len(hit_ranks)
    precision_sum = sum(i / k for i, k in enumerate(hit_ranks, start=1))  # P@k at the i-th hit, rank k
    if name == 'precision':
        return hits / n
    if name == 'recall':
        return hits / len(relevant)
    if name == 'f1':
        p, r = hits / n, hits / len(relevant)
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)
    if name == 'hr':
        return 1.0 if hits > 0 else 0.0
    if name == 'ndcg':
        dcg = sum(1 / math.log2(k + 1) for k in hit_ranks)
        ideal = sum(1 / math.log2(k + 1) for k in range(1, min(len(relevant), n) + 1))
        return dcg / ideal
    if name == 'map':
        return precision_sum / min(len(relevant), n)
    if name == 'map_rel':
        return precision_sum / len(relevant)
    if name == 'mrr':
        return 1 / hit_ranks[0] if hit_ranks else 0.0
    fail(f'unknown metric {name}')


def parse_metric(text):
    match = re.fullmatch(r'([a-z_0-9]+)@(\d+)', text.strip().lower())
    if not match or int(match.group(2)) < 1:
        fail(f'not metric@N: {text!r}')
    return ALIASES.get(match.group(1), match.group(1)), int(match.group(2))


def main(argv):
    if len(argv) != 4:
        fail(__doc__.strip().splitlines()[2])
    run_path, qrels_path, metric_list = argv[1:]
    relevant = read_qrels(qrels_path)
    run = read_run(run_path)
    rankings = {user: ranked_items(run.get(user, [])) for user in relevant}
    means = {}
    for text in (m for m in metric_list.split(',') if m.strip()):
        name, n = parse_metric(text)
        values = [user_metric(name, n, rankings[user], relevant[user]) for user in relevant]
        means[text.strip()] = sum(values) / len(values)
    print(json.dumps(means))


if __name__ == '__main__':
    main(sys.argv)
