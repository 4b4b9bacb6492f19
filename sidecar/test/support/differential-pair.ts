import type { Sidecar } from '../../src/app/sidecar.js';
import { RawClient } from './raw-client.js';
import { RedisServerProcess } from './redis-server.js';
import { startSidecar } from './sidecar.js';

/** A real redis-server and a sidecar side by side, with a raw client on each. */
export interface RedisAndSidecar {
  readonly redisServer: RedisServerProcess;
  readonly sidecar: Sidecar;
  /** Connected before each test and closed after it, so no connection state (RESP3, MULTI, CLIENT REPLY) carries over. */
  readonly redis: RawClient;
  readonly ours: RawClient;
}

/**
 * Registers hooks in the calling `describe`: a real redis-server and a sidecar start
 * before its tests and stop after them; before each test both are flushed and a fresh
 * client is connected to each. What differential tests compare against.
 */
export function useRedisAndSidecar(): RedisAndSidecar {
  let servers: { redisServer: RedisServerProcess; sidecar: Sidecar } | undefined;
  let clients: { redis: RawClient; ours: RawClient } | undefined;

  before(async () => {
    const redisServer = await RedisServerProcess.start();
    try {
      servers = { redisServer, sidecar: await startSidecar() };
    } catch (error) {
      await redisServer.stop();
      throw error;
    }
  });

  after(async () => {
    if (servers === undefined) return;
    await servers.sidecar.stop();
    await servers.redisServer.stop();
    servers = undefined;
  });

  beforeEach(async () => {
    const { redisServer, sidecar } = started();
    const redis = await RawClient.connect(redisServer.port);
    const ours = await RawClient.connect(sidecar.resp.port);
    clients = { redis, ours };
    await redis.call(['flushall']);
    await ours.call(['flushall']);
  });

  afterEach(() => {
    clients?.redis.close();
    clients?.ours.close();
    clients = undefined;
  });

  function started(): NonNullable<typeof servers> {
    if (servers === undefined) throw new Error('the servers run only while the describe block\'s tests do (they start in its before hook)');
    return servers;
  }

  function connected(): NonNullable<typeof clients> {
    if (clients === undefined) throw new Error('the clients are connected only during a test');
    return clients;
  }

  return {
    get redisServer() { return started().redisServer; },
    get sidecar() { return started().sidecar; },
    get redis() { return connected().redis; },
    get ours() { return connected().ours; },
  };
}
