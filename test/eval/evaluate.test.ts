import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { evaluate, targetsInHistory, type EvalRequest } from '../../src/eval/evaluate';
import { metricGrid } from '../../src/eval/metrics';
import type { Model, ScoreQuery } from '../../src/models/model';
import type { NamedArrays } from '../../src/util/named-arrays';
import { useCpu } from '../helpers/backend';
import { userLists } from '../helpers/tiny-data';

before(useCpu);

/** A model whose scores are a fixed [users, items] matrix. */
class FixedScores implements Model {
  constructor(private readonly scores: number[][]) {}
  init(): void {}
  score({ users, candidates }: ScoreQuery): tf.Tensor2D {
    const full = tf.tensor2d(Array.from(users, (u) => this.scores[u]));
    if (!candidates) return full;
    const picked = tf.tidy(() => {
      const rows = tf.reshape(tf.mul(tf.range(0, users.length, 1, 'int32'), tf.scalar(full.shape[1], 'int32')), [-1, 1]);
      return tf.reshape(tf.gather(tf.reshape(full, [-1]), tf.add(candidates, rows)), candidates.shape) as tf.Tensor2D;
    });
    full.dispose();
    return picked;
  }
  async state(): Promise<NamedArrays> {
    return {};
  }
  restore(): void {}
  dispose(): void {}
}

const lists = userLists;

// 4 users, 6 items. Ties on purpose: user 0's items 1 and 2 share a score.
const SCORES = [
  [0.1, 0.9, 0.9, 0.5, 0.2, 0.0],
  [0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
  [0.0, 0.1, 0.2, 0.3, 0.4, 0.5],
  [0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
];
const HISTORY = lists([[1], [0, 0], [], [5]]);
const TARGETS = lists([[2, 3], [0], [5], []]);

function request(overrides: Partial<EvalRequest>): EvalRequest {
  return {
    model: new FixedScores(SCORES),
    numItems: 6,
    history: { lists: HISTORY, timestamps: new Float64Array(HISTORY.items.length) },
    targets: TARGETS,
    targetTimes: null,
    ties: 'index',
    candidates: null,
    excludeHistory: true,
    metrics: metricGrid(['hr', 'mrr', 'recall', 'ndcg'], [1, 2, 8]),
    batchSize: 2,
    keepRankings: true,
    ...overrides,
  };
}

test('full ranking with history excluded: ties go to the lower item index; users without targets are skipped', async () => {
  const result = await evaluate(request({}));
  assert.deepEqual(Array.from(result.users), [0, 1, 2]);
  const ranked = (b: number) => Array.from(result.rankings!.items.subarray(b * 8, b * 8 + 8));
  // user 0: item 1 excluded; 2 (0.9), 3 (0.5), 4 (0.2), 0 (0.1), 5 (0.0); the list ends at 5 items
  assert.deepEqual(ranked(0), [2, 3, 4, 0, 5, -1, -1, -1]);
  // user 1: item 0 (its only target) is in its history, so it is excluded and can never be hit
  assert.deepEqual(ranked(1), [1, 2, 3, 4, 5, -1, -1, -1]);
  assert.deepEqual(ranked(2), [5, 4, 3, 2, 1, 0, -1, -1]);
  assert.deepEqual(Array.from(result.perUser['hr@1']), [1, 0, 1]);
  assert.deepEqual(Array.from(result.perUser['recall@2']), [1, 0, 1]);
  assert.deepEqual(Array.from(result.perUser['mrr@8']), [1, 0, 1]);
  assert.equal(result.means['hr@1'], 2 / 3);
});

test('full ranking with history excluded but the targets kept: a repeated target stays a candidate', async () => {
  const result = await evaluate(request({ keepTargets: true }));
  const ranked = (b: number) => Array.from(result.rankings!.items.subarray(b * 8, b * 8 + 8));
  // user 0's targets were not in its history: as without keepTargets
  assert.deepEqual(ranked(0), [2, 3, 4, 0, 5, -1, -1, -1]);
  // user 1: target 0 (twice in its history) is ranked again, first at 0.6 (user 0 shows the rest of a history stays out)
  assert.deepEqual(ranked(1), [0, 1, 2, 3, 4, 5, -1, -1]);
  assert.deepEqual(Array.from(result.perUser['hr@1']), [1, 1, 1]);
  // user 3 has no targets; user 2's history is empty
  assert.deepEqual(ranked(2), [5, 4, 3, 2, 1, 0, -1, -1]);
});

test('full ranking with history kept', async () => {
  const result = await evaluate(request({ excludeHistory: false }));
  // user 0: items 1 and 2 tie at 0.9; item 1 (lower index) ranks first, so target 2 is at rank 2
  assert.deepEqual(Array.from(result.rankings!.items.subarray(0, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(result.perUser['hr@1']), [0, 1, 1]);
  assert.deepEqual(Array.from(result.perUser['mrr@8']), [1 / 2, 1, 1]);
  // user 0 hits at ranks 2 and 3 of 2 targets: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3)
  assert.equal(result.perUser['ndcg@8'][0], (1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)));
});

test('sampled candidates: only the candidates are ranked, in item order on ties', async () => {
  const candidates = lists([[0, 2, 5], [0, 3, 4], [1, 4, 5], []]);
  const result = await evaluate(request({ candidates }));
  const ranked = (b: number) => Array.from(result.rankings!.items.subarray(b * 8, b * 8 + 3));
  assert.deepEqual(ranked(0), [2, 0, 5]);
  // sampled candidates ignore exclude_history: user 1's target 0 is a candidate and wins
  assert.deepEqual(ranked(1), [0, 3, 4]);
  assert.deepEqual(ranked(2), [5, 4, 1]);
  assert.deepEqual(Array.from(result.perUser['hr@1']), [1, 1, 1]);
  assert.deepEqual(Array.from(result.rankings!.items.subarray(3, 8)), [-1, -1, -1, -1, -1]);
});

test('the metrics do not depend on the evaluation batch size', async () => {
  for (const candidates of [null, lists([[0, 2, 5], [0, 3, 4], [1, 4, 5], []])]) {
    const reference = await evaluate(request({ candidates, batchSize: 1 }));
    for (const batchSize of [2, 3, 100]) {
      const other = await evaluate(request({ candidates, batchSize }));
      assert.deepEqual(other.perUser, reference.perUser);
      assert.deepEqual(other.rankings, reference.rankings);
    }
  }
});

test('evaluation leaves no tensor behind', async () => {
  const before = tf.memory().numTensors;
  await evaluate(request({}));
  await evaluate(request({ candidates: lists([[0, 2, 5], [0, 3, 4], [1, 4, 5], []]) }));
  assert.equal(tf.memory().numTensors, before);
});

// Ties, worked by hand. User 0: target 0 (0.5) tied with items 2 and 3, below item 1 (0.7): 1 item above, a
// block of 3 equal scores. User 1: targets 0 and 2 tied with item 1 (0.2), below item 3 (0.9).
const TIED = [
  [0.5, 0.7, 0.5, 0.5, 0.1],
  [0.2, 0.2, 0.2, 0.9, 0.0],
];
async function tiedRun(ties: EvalRequest['ties'], candidates: EvalRequest['candidates'] = null) {
  return (await evaluate(
    request({
      model: new FixedScores(TIED),
      numItems: 5,
      history: { lists: lists([[], []]), timestamps: new Float64Array(0) },
      targets: lists([[0], [0, 2]]),
      excludeHistory: false,
      candidates,
      ties,
      metrics: metricGrid(['hr', 'recall', 'mrr', 'ndcg', 'map'], [2, 3, 8]),
    }),
  )).perUser;
}
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);

test('eval.ties=index: the target takes its place by item index within the tied block (ranks 2; 2 and 4)', async () => {
  const v = await tiedRun('index');
  near(v['mrr@8'][0], 1 / 2, 'user 0 MRR');
  near(v['hr@2'][0], 1, 'user 0 HR@2');
  near(v['ndcg@8'][0], 1 / Math.log2(3), 'user 0 NDCG');
  near(v['recall@3'][1], 1 / 2, 'user 1 recall@3');
  near(v['map@8'][1], (1 / 2 + 2 / 4) / 2, 'user 1 MAP');
});

test('eval.ties=conservative: the target ranks below every tied item (ranks 4; 3 and 4)', async () => {
  const v = await tiedRun('conservative');
  near(v['mrr@8'][0], 1 / 4, 'user 0 MRR');
  near(v['hr@3'][0], 0, 'user 0 HR@3');
  near(v['ndcg@8'][0], 1 / Math.log2(5), 'user 0 NDCG');
  near(v['recall@3'][1], 1 / 2, 'user 1 recall@3');
  near(v['map@8'][1], (1 / 3 + 2 / 4) / 2, 'user 1 MAP');
});

test('eval.ties=expected: the target takes the mean rank of the tied block (ranks 3; 3 and 3)', async () => {
  const v = await tiedRun('expected');
  near(v['mrr@8'][0], 1 / 3, 'user 0 MRR');
  near(v['hr@2'][0], 0, 'user 0 HR@2');
  near(v['hr@3'][0], 1, 'user 0 HR@3');
  near(v['ndcg@8'][0], 1 / Math.log2(4), 'user 0 NDCG');
  near(v['recall@3'][1], 1, 'user 1 recall@3');
  near(v['map@8'][1], (1 / 3 + 2 / 3) / 2, 'user 1 MAP');
});

test('ties under the sampled protocol count among the candidates only', async () => {
  // user 0's candidates 0, 2, 4: target 0 tied with item 2 (item 1 and 3, above or tied, are not candidates)
  const candidates = lists([[0, 2, 4], [0, 1, 2]]);
  near((await tiedRun('index', candidates))['mrr@8'][0], 1, 'index');
  near((await tiedRun('conservative', candidates))['mrr@8'][0], 1 / 2, 'conservative');
  near((await tiedRun('expected', candidates))['mrr@8'][0], 1 / 1.5, 'expected');
  // user 1: targets 0 and 2 tied with item 1: conservative ranks 2 and 3
  near((await tiedRun('conservative', candidates))['map@8'][1], (1 / 2 + 2 / 3) / 2, 'user 1 conservative MAP');
});

test('targetsInHistory counts the distinct (user, target) pairs whose item the user had before', () => {
  const history = userLists([[1, 2, 3], [4], [], [5, 6]]);
  // user 0: targets 3 (in history), 3 again (counted once), 7; user 1: 8; user 2: none; user 3: 5 and 6, both repeats
  const targets = userLists([[3, 3, 7], [8], [], [6, 5]]);
  assert.deepEqual(targetsInHistory(history, targets), { count: 3, of: 5 });
  assert.deepEqual(targetsInHistory(history, userLists([[9], [4], [], []])), { count: 1, of: 2 });
  assert.deepEqual(targetsInHistory(userLists([[], [], [], []]), targets), { count: 0, of: 5 });
});
