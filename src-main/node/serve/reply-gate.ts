/**
 * A first-come, first-served limit on how many large replies are written at once. Each reply that is
 * being written costs the event loop a socket copy on every writable turn; with 200 full-frame replies
 * in flight, one turn of the loop served 200 sockets before a light request (a frame list, a few KiB)
 * was read, so light requests waited as long as the whole burst. With a few at a time, the burst moves
 * the same bytes in the same total time while every other request is read and answered between turns.
 */
export class ReplyGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** `limit`: replies written at once (≥ 1). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`'limit' must be a positive integer, got ${String(limit)}`);
    }
  }

  /** Replies being written now and replies waiting for a turn. */
  get counts(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Waits for a turn; the returned function ends it (calling it again does nothing). */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((turn) => this.waiting.push(turn));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next waiter (the count of active replies stays the same).
      if (next) next();
      else this.active--;
    };
  }
}
