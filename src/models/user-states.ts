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

/**
 * The states of users `order` from per-chunk parts (rows in `order`'s order, chunk after chunk; `empty` names
 * the tensors when there is no chunk). Parts concatenated here are disposed; a single part is kept as it is.
 */
export function joinStates(order: Int32Array, parts: Record<string, tf.Tensor>[], empty: () => Record<string, tf.Tensor>): UserStates {
  const names = Object.keys(parts[0] ?? empty());
  const joined = Object.fromEntries(names.map((name) => [name, parts.length === 1 ? parts[0][name] : tf.concat(parts.map((p) => p[name]))]));
  if (parts.length > 1) parts.forEach((p) => tf.dispose(Object.values(p)));
  return new UserStates(order, joined);
}

/**
 * Runs `body` (inside tf.tidy) on the rows of `users` from `given`, or from states built by `build` for this
 * call alone (and disposed after it) when none were given: how a stateful model's score serves both.
 */
export function withUserStates<T extends tf.TensorContainer>(
  given: UserStates | null,
  users: Int32Array,
  build: () => UserStates,
  body: (state: Record<string, tf.Tensor>) => T,
): T {
  const own = given ? null : build();
  try {
    return tf.tidy(() => body((given ?? (own as UserStates)).rowsOf(users)));
  } finally {
    own?.dispose();
  }
}
