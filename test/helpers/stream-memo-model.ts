import * as tf from '@tensorflow/tfjs-core';
import { int, type ParamsOf } from '../../src/config/spec';
import { lastWindows } from '../../src/data/windows';
import type { BatchTensors } from '../../src/models/batch';
import { lossOf } from '../../src/models/losses';
import { modelEntry, type History, type ScoreQuery, type StepOutput, type TrainData, type TrainStep } from '../../src/models/model';
import { NeuralModel } from '../../src/models/neural-model';
import { glorotInit, zerosInit } from '../../src/models/layers/init';
import { scoreItems } from '../../src/models/layers/item-scores';
import { UserStates } from '../../src/models/user-states';

const KEYS = {
  dim: int(8, 'memory and embedding size', { min: 1 }),
  window: int(3, 'T: predictions per streamed window', { min: 1 }),
};

/**
 * A test model with a memory carried along each user's whole sequence, as DMAN's: m ← σ(g)·m + (1 − σ(g))·E[x]
 * at every real step (padding leaves m as it is), and score(i) = m · O[i]. It trains on user_stream batches
 * (the memory continues from the window before), in two alternating steps: the embeddings E and O on the
 * ranking loss, then the decay g alone on a second loss (the ranking loss plus a pull of σ(g) towards 1/2).
 * For evaluation it builds each user's memory once by streaming the history window by window; `streamSteps`
 * counts the windows it processed, so a test can check that no history is replayed.
 */
export class StreamMemo extends NeuralModel<ParamsOf<typeof KEYS>> {
  readonly batchKind = 'user_stream';
  readonly defaultLoss = 'bce' as const;
  streamSteps = 0;
  /** the carried memory of every batch the loss saw, for tests */
  readonly seenStates: Float32Array[] = [];

  get inputLength(): number {
    return this.params.window;
  }

  protected build(train: TrainData): void {
    const { dim } = this.params;
    this.addWeight('input_items', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('output_items', glorotInit(this.initRng, [train.numItems, dim]));
    this.addWeight('decay', zerosInit([1]));
  }

  initialState(rows: number): Record<string, tf.Tensor> {
    return { memory: tf.zeros([rows, this.params.dim]) };
  }

  /** The memory after each step of `inputs` [B, T] from `memory` [B, d]: [B, T, d] and the last [B, d]. */
  private run(memory: tf.Tensor2D, inputs: tf.Tensor2D): { states: tf.Tensor3D; last: tf.Tensor2D } {
    const keep = tf.sigmoid(this.weight('decay'));
    const real = tf.cast(tf.greater(inputs, 0), 'float32');
    const embedded = tf.gather(this.weight('input_items'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32'))));
    const steps: tf.Tensor2D[] = [];
    let m = memory;
    for (let t = 0; t < inputs.shape[1]; t++) {
      const x = tf.squeeze(tf.slice(embedded, [0, t, 0], [-1, 1, -1]), [1]);
      const updated = tf.add(tf.mul(m, keep), tf.mul(x, tf.sub(1, keep)));
      const isReal = tf.slice(real, [0, t], [-1, 1]);
      m = tf.add(tf.mul(updated, isReal), tf.mul(m, tf.sub(1, isReal))) as tf.Tensor2D;
      steps.push(m);
    }
    return { states: tf.stack(steps, 1) as tf.Tensor3D, last: m };
  }

  logits(batch: BatchTensors, items: tf.Tensor2D): tf.Tensor2D {
    const start = (batch.state?.memory ?? tf.zeros([batch.size, this.params.dim])) as tf.Tensor2D;
    const { states } = this.run(start, batch.inputs as tf.Tensor2D);
    const points = tf.reshape(states, [-1, this.params.dim]);
    return tf.sum(tf.mul(tf.expandDims(points, 1), tf.gather(this.weight('output_items'), items)), 2) as tf.Tensor2D;
  }

  private rankingLoss(batch: BatchTensors, training: boolean): StepOutput {
    const memory = batch.state?.memory as tf.Tensor2D;
    this.seenStates.push(Float32Array.from(memory.dataSync() as Float32Array));
    const { last } = this.run(memory, batch.inputs as tf.Tensor2D);
    return { loss: super.loss(batch, training), state: { memory: last } };
  }

  override trainSteps(): readonly TrainStep[] {
    const embeddings = () => [this.weight('input_items'), this.weight('output_items')];
    return [
      { name: 'embeddings', variables: embeddings, loss: (batch, training) => this.rankingLoss(batch, training) },
      {
        name: 'decay',
        variables: () => [this.weight('decay')],
        loss: (batch) => {
          const items = tf.concat([tf.expandDims(batch.positives, 1), batch.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
          const ranking = lossOf('bce', this.logits(batch, items), batch.mask);
          const pull = tf.sum(tf.square(tf.sub(tf.sigmoid(this.weight('decay')), 0.5)));
          return tf.add(ranking, pull) as tf.Scalar;
        },
      },
    ];
  }

  userStates(history: History, users: Int32Array): UserStates {
    const T = this.params.window;
    const { offsets } = history.lists;
    const longest = users.reduce((a, u) => Math.max(a, offsets[u + 1] - offsets[u]), 0);
    const windows = Math.ceil(longest / T);
    let memory = tf.zeros([users.length, this.params.dim]) as tf.Tensor2D;
    for (let w = 0; w < windows; w++) {
      // window w of each user, counted from the end so that every user's last window ends at its last item
      const inputs = new Int32Array(users.length * T);
      users.forEach((u, b) => {
        const end = offsets[u + 1] - (windows - 1 - w) * T;
        const from = Math.max(offsets[u], end - T);
        if (end <= from) return;
        inputs.set(lastWindows({ offsets: Int32Array.from([0, end - from]), items: history.lists.items.subarray(from, end) }, Int32Array.from([0]), T), b * T);
      });
      const next = tf.tidy(() => this.run(memory, tf.tensor2d(inputs, [users.length, T], 'int32')).last);
      memory.dispose();
      memory = next;
      this.streamSteps++;
    }
    return new UserStates(users, { memory });
  }

  score(query: ScoreQuery): tf.Tensor2D {
    return tf.tidy(() => {
      const memory = query.states
        ? (query.states.rowsOf(query.users).memory as tf.Tensor2D)
        : this.userStatesNow(query.history, query.users);
      return scoreItems(memory, this.weight('output_items') as tf.Tensor2D, null, query.candidates);
    });
  }

  /** Without prepared states: the memory replayed over the whole history (the slow way; tests compare). */
  private userStatesNow(history: History, users: Int32Array): tf.Tensor2D {
    const states = this.userStates(history, users);
    const memory = states.rowsOf(users).memory as tf.Tensor2D;
    states.dispose();
    return memory;
  }
}

export const streamMemoEntry = modelEntry({
  name: 'stream_memo',
  title: 'a test model whose memory is carried along each user\'s whole sequence',
  paper: 'none (test/helpers/stream-memo-model.ts)',
  keys: KEYS,
  create: (context) => new StreamMemo(context),
});
