/** Counters for INFO stats and metrics; plain fields, updated on the hot path. */
export class Stats {
  commandsProcessed = 0;
  connectionsReceived = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  pubsubMessages = 0;
  rejectedCalls = 0;
  errorReplies = 0;
  /** Calls per command name (INFO commandstats, metrics). */
  readonly calls = new Map<string, { calls: number; usec: number; failed: number }>();

  /** Error replies per error code, the message's first word (INFO errorstats). */
  readonly errors = new Map<string, number>();

  /** Optional latency observer (the metrics histogram), in seconds. */
  latencyObserver: ((seconds: number) => void) | undefined;

  /** Records a call; `usec` is -1 for calls that were not timed (one in eight is). */
  recordCall(name: string, usec: number, failed: boolean): void {
    if (usec >= 0) this.latencyObserver?.(usec / 1e6);
    let entry = this.calls.get(name);
    if (entry === undefined) {
      entry = { calls: 0, usec: 0, failed: 0 };
      this.calls.set(name, entry);
    }
    entry.calls += 1;
    if (usec >= 0) {
      entry.usec += usec * 8; // an estimate of all calls' time from the sampled ones
    }
    if (failed) entry.failed += 1;
  }

  /**
   * Counts an error reply, and under its code as Redis's afterErrorReply does: the text
   * up to the first space within 32 characters, else ERR. Like Redis, at most 128 codes
   * are tracked (an error text a module or script makes up must not grow this without bound).
   */
  recordError(message: string): void {
    this.errorReplies += 1;
    const space = message.slice(0, 32).indexOf(' ');
    const code = space > 0 ? message.slice(0, space) : 'ERR';
    const count = this.errors.get(code);
    if (count !== undefined) this.errors.set(code, count + 1);
    else if (this.errors.size < MAX_ERROR_CODES) this.errors.set(code, 1);
  }
}

const MAX_ERROR_CODES = 128;
