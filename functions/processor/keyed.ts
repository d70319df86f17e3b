/**
 * Keyed serialisation for one batch: work that touches the same key (a normalised address) runs one
 * piece after another, in the order it was reserved; work on different keys runs concurrently.
 *
 * A piece of work may touch several keys (a bounce with several recipients). It reserves all of
 * them in one synchronous step, so it only ever waits for work reserved before it: the wait-for
 * graph follows reservation order and has no cycle, so no deadlock whatever the key sets, and no
 * canonical lock order is needed. Per key, the order of execution is the order of reservation.
 */
export class KeyedSerializer {
  /** Per key: settles when the last reserved work on it has finished (successfully or not). */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Reserves `keys` now, in the caller's order relative to other reservations; returns a function
   * that runs `work` once every earlier reservation sharing a key has finished. Call the returned
   * function exactly once (a reservation never run blocks its keys for later work).
   */
  reserve(keys: Iterable<string>): <T>(work: () => Promise<T>) => Promise<T> {
    const unique = [...new Set(keys)];
    const before = unique.flatMap((key) => {
      const tail = this.tails.get(key);
      return tail ? [tail] : [];
    });
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const key of unique) this.tails.set(key, done);
    return async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        // Tails never reject (they settle on release), so one failed record does not fail the next.
        if (before.length > 0) await Promise.all(before);
        return await work();
      } finally {
        for (const key of unique) if (this.tails.get(key) === done) this.tails.delete(key);
        release();
      }
    };
  }

  /** Keys with work reserved and not finished (for tests: the map must drain). */
  get pendingKeys(): number {
    return this.tails.size;
  }
}
