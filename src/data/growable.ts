type NumericArray = Int32Array | Float64Array | Uint8Array;

/** An append-only typed array that doubles its buffer when full: one column of rows read from a file. */
export class Growable<T extends NumericArray> {
  private buffer: T;
  private size = 0;

  constructor(
    private readonly allocate: (length: number) => T,
    initialCapacity = 1024,
  ) {
    this.buffer = allocate(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.buffer.length) {
      const bigger = this.allocate(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.size++] = value;
  }

  /** The filled part, as a view on the buffer (valid until the next push). */
  view(): T {
    return this.buffer.subarray(0, this.size) as T;
  }
}
