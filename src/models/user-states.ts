import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-user states built once for an evaluation (see Model.userStates): named tensors whose row r belongs to
 * users[r]. `rowsOf` gathers the rows of any subset of those users for one scoring batch. The evaluator
 * owns the object and disposes it when the evaluation ends.
 */
export class UserStates {
  private readonly rowOf = new Map<number, number>();

  constructor(
    users: Int32Array,
    private readonly tensors: Readonly<Record<string, tf.Tensor>>,
  ) {
    users.forEach((user, row) => this.rowOf.set(user, row));
  }

  /** The states of `users` (each built here), row b for users[b]. Call inside tf.tidy. */
  rowsOf(users: Int32Array): Record<string, tf.Tensor> {
    const rows = Int32Array.from(users, (user) => {
      const row = this.rowOf.get(user);
      if (row === undefined) throw new Error(`no state was built for user ${user}`);
      return row;
    });
    const index = tf.tensor1d(rows, 'int32');
    return Object.fromEntries(Object.entries(this.tensors).map(([name, t]) => [name, tf.gather(t, index)]));
  }

  dispose(): void {
    tf.dispose(Object.values(this.tensors));
  }
}
