import type { Client } from './client.js';
import { sessionOf, type Session } from './session.js';

/** WATCH bookkeeping: key → watching clients; any change to the key dirties them. */
export class WatchRegistry {
  private readonly watchers = new Map<string, Set<Client>>();

  watch(client: Client, session: Session, key: string): void {
    if (session.watched.has(key)) return;
    session.watched.add(key);
    let set = this.watchers.get(key);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(client);
  }

  unwatchAll(client: Client, session: Session): void {
    for (const key of session.watched) {
      const set = this.watchers.get(key);
      if (set === undefined) continue;
      set.delete(client);
      if (set.size === 0) this.watchers.delete(key);
    }
    session.watched.clear();
    session.watchDirty = false;
  }

  /** Called for every key changed locally or by replication. */
  touched(key: string): void {
    if (this.watchers.size === 0) return;
    const set = this.watchers.get(key);
    if (set === undefined) return;
    for (const client of set) sessionOf(client).watchDirty = true;
  }

  touchedAll(): void {
    for (const set of this.watchers.values()) for (const client of set) sessionOf(client).watchDirty = true;
  }
}
