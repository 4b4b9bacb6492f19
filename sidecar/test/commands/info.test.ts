import assert from 'node:assert/strict';
import { createHarness, parseInfo, textOf, wire } from './harness.js';

function info(h: ReturnType<typeof createHarness>, ...sections: string[]): Map<string, Map<string, string>> {
  return parseInfo(textOf(h.run(['info', ...sections])));
}

describe('INFO', () => {
  it('default shows the usual sections, in Redis\'s order, plus CRDT; not commandstats', () => {
    const h = createHarness();
    assert.deepEqual([...info(h).keys()], [
      'Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace', 'CRDT',
    ]);
  });

  it('is made of "# Header" and "field:value" lines, CRLF, sections separated by an empty line', () => {
    const h = createHarness();
    const text = textOf(h.run(['info', 'server', 'clients']));
    assert.match(text, /^# Server\r\n([a-z_0-9]+:[^\r\n]*\r\n)+\r\n# Clients\r\n([a-z_0-9]+:[^\r\n]*\r\n)+$/);
    assert.match(wire(h.run(['info', 'server']), 3), /^=\d+\r\ntxt:# Server\r\n/);
  });

  it('server, clients and stats hold the fields clients and tools read', () => {
    const h = createHarness();
    h.connect();
    h.run(['get', 'missing']);
    const sections = info(h, 'server', 'CLIENTS', 'Stats');
    assert.equal(sections.get('Server')?.get('redis_version'), '7.0.15');
    assert.equal(sections.get('Server')?.get('redis_mode'), 'standalone');
    assert.equal(sections.get('Server')?.get('tcp_port'), '6379');
    assert.match(sections.get('Server')?.get('run_id') ?? '', /^[0-9a-f]{40}$/);
    assert.equal(sections.get('Clients')?.get('connected_clients'), '2');
    assert.equal(sections.get('Clients')?.get('maxclients'), '10000');
    assert.equal(sections.get('Stats')?.get('keyspace_misses'), '1');
    assert.equal(sections.get('Stats')?.get('total_commands_processed'), '1');
  });

  it('keyspace shows db0 only when there are keys', () => {
    const h = createHarness();
    assert.equal(info(h, 'keyspace').get('Keyspace')?.size, 0);
    h.run(['set', 'a', '1']);
    h.run(['set', 'b', '1']);
    assert.equal(info(h, 'keyspace').get('Keyspace')?.get('db0'), 'keys=2,expires=0,avg_ttl=0');
  });

  it('crdt shows the replica\'s identity, op counts and version vector', () => {
    const h = createHarness();
    h.run(['set', 'a', '1']);
    h.run(['set', 'a', '2']);
    const crdt = info(h, 'crdt').get('CRDT');
    assert.equal(crdt?.get('replica_id'), 'test');
    assert.equal(crdt?.get('ops_originated'), '2');
    assert.equal(crdt?.get('ops_applied'), '0');
    assert.equal(crdt?.get('version_vector'), 'test=2');
    assert.equal(crdt?.get('keys'), '1');
    assert.equal(crdt?.get('expired_keys'), '0');
  });

  it('takes fields from info providers: added to built-in sections, or as sections of their own', () => {
    const h = createHarness();
    h.server.infoProviders.push(
      { section: 'crdt', fields: () => [['oplog_bytes', 1234], ['tombstones', 5]] },
      { section: 'replication', fields: () => [['peers', 2], ['role', 'active-active']] },
      { section: 'peers', fields: () => [['peer_b', 'state=live,lag_ms=3']] },
    );
    const sections = info(h, 'crdt', 'replication');
    assert.equal(sections.get('CRDT')?.get('oplog_bytes'), '1234');
    assert.equal(sections.get('Replication')?.get('peers'), '2');
    assert.equal(sections.get('Replication')?.get('role'), 'active-active');
    assert.equal(sections.has('Peers'), false);
    assert.equal(info(h, 'peers').get('Peers')?.get('peer_b'), 'state=live,lag_ms=3');
    assert.equal(info(h, 'all').get('Peers')?.get('peer_b'), 'state=live,lag_ms=3');
  });

  it('commandstats counts calls per command (container|sub names), shown by all and everything', () => {
    const h = createHarness();
    h.run(['ping']);
    h.run(['ping']);
    h.run(['config', 'get', 'port']);
    const stats = info(h, 'commandstats').get('Commandstats');
    assert.match(stats?.get('cmdstat_ping') ?? '', /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    assert.match(stats?.get('cmdstat_config|get') ?? '', /^calls=1,/);
    assert.ok(info(h, 'everything').has('Commandstats'));
    assert.ok(info(h, 'all').has('Commandstats'));
  });

  it('answers an empty string for unknown sections', () => {
    const h = createHarness();
    assert.equal(wire(h.run(['info', 'nosuch'])), '$0\r\n\r\n');
  });
});
