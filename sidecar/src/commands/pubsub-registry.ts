import type { Client } from './client.js';
import { globMatch } from './glob.js';

/** Local channel and pattern subscriptions (replicated PUBLISH delivers through here too). */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();

  subscribe(map: Map<string, Set<Client>>, name: string, client: Client): boolean {
    let set = map.get(name);
    if (set === undefined) {
      set = new Set();
      map.set(name, set);
    }
    if (set.has(client)) return false;
    set.add(client);
    return true;
  }

  unsubscribe(map: Map<string, Set<Client>>, name: string, client: Client): boolean {
    const set = map.get(name);
    if (set === undefined || !set.delete(client)) return false;
    if (set.size === 0) map.delete(name);
    return true;
  }

  /** Receivers of a message on `channel`: direct subscribers, then pattern subscribers. */
  receivers(channel: string): { client: Client; pattern: string | undefined }[] {
    const out: { client: Client; pattern: string | undefined }[] = [];
    for (const client of this.channels.get(channel) ?? []) out.push({ client, pattern: undefined });
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) out.push({ client, pattern });
    }
    return out;
  }
}
