import assert from 'node:assert/strict';
import { registryOf } from '../../src/commands/blocking.js';
import type { Command } from './differential.js';
import { useRedisAndSidecar, type RedisAndSidecar } from './differential-pair.js';
import { RawClient } from './raw-client.js';

/**
 * Blocking commands (BLPOP, BZPOPMIN …) compared with a real redis-server: a scenario
 * runs on each server in turn and logs the replies it awaited, in that order; the two
 * transcripts must be equal. Waits poll for a condition with a generous deadline, never
 * a fixed sleep: a slow machine makes a test slower, not flaky.
 */
export interface BlockingTarget {
  readonly name: string;
  connect(): Promise<RawClient>;
  /** Clients currently blocked (redis: INFO blocked_clients; sidecar: its registry). */
  blocked(): Promise<number>;
}

export type Scenario = (target: BlockingTarget, log: (reply: Buffer) => void) => Promise<void>;

export const text = (reply: Buffer): string => reply.toString('latin1');

export async function waitUntil(what: string, predicate: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends a blocking command, then waits until the server counts `expected` blocked clients. */
export async function blockOn(target: BlockingTarget, client: RawClient, command: Command, expected: number): Promise<{ reply: Promise<Buffer> }> {
  const reply = client.call(command);
  await waitUntil(`${expected} blocked clients on ${target.name}`, async () => (await target.blocked()) >= expected);
  // Kept in an object: an async function would flatten (await) a returned promise.
  return { reply };
}

export interface BlockingTargets {
  readonly servers: RedisAndSidecar;
  readonly redis: BlockingTarget;
  readonly sidecar: BlockingTarget;
}

/** Registers the servers' hooks in the calling `describe` (useRedisAndSidecar) and describes both as targets. */
export function useBlockingTargets(): BlockingTargets {
  const servers = useRedisAndSidecar();
  return {
    servers,
    redis: {
      name: 'redis',
      connect: () => RawClient.connect(servers.redisServer.port),
      blocked: async () => Number(/blocked_clients:(\d+)/.exec(text(await servers.redis.call(['info', 'clients'])))?.[1] ?? -1),
    },
    sidecar: {
      name: 'sidecar',
      connect: () => RawClient.connect(servers.sidecar.resp.port),
      blocked: () => Promise.resolve(registryOf(servers.sidecar.server).size),
    },
  };
}

/** Runs `scenario` on redis-server, then on the sidecar, each from an empty keyspace with no client blocked, and compares the transcripts. */
export async function assertSameTranscripts(targets: BlockingTargets, scenario: Scenario): Promise<void> {
  const transcripts: string[][] = [];
  for (const target of [targets.redis, targets.sidecar]) {
    const flusher = await target.connect();
    await flusher.call(['flushall']);
    flusher.close();
    await waitUntil(`no blocked clients on ${target.name}`, async () => (await target.blocked()) === 0);
    const transcript: string[] = [];
    await scenario(target, (reply) => transcript.push(text(reply)));
    transcripts.push(transcript);
  }
  assert.deepEqual(transcripts[1], transcripts[0]);
}
