/**
 * The trust boundary: turns an API object (`unknown`) into a typed, defaulted,
 * validated RedisCRDTCluster, or the list of everything wrong with it.
 */
import { err, ok, type Result } from '../../util/result.js';
import { parseSpec } from './parse-spec.js';
import { parseStatus } from './parse-status.js';
import { Reader } from './reader.js';
import { API_VERSION, KIND, type ObjectMeta, type RedisCRDTCluster } from './types.js';
import { validateName, validateSpec } from './validate.js';

export function parseRedisCRDTCluster(raw: unknown): Result<RedisCRDTCluster, string[]> {
  const r = new Reader();
  const o = r.object(raw, '(root)');
  if (o['apiVersion'] !== API_VERSION) r.fail('apiVersion', `must be ${API_VERSION}`);
  if (o['kind'] !== KIND) r.fail('kind', `must be ${KIND}`);
  const metadata = parseMetadata(r, o['metadata']);
  validateName(r, metadata.name);
  const spec = parseSpec(r, o['spec']);
  validateSpec(r, spec, metadata.name);
  if (r.errors.length > 0) return err(r.errors);
  return ok({ apiVersion: API_VERSION, kind: KIND, metadata, spec, status: parseStatus(o['status']) });
}

function parseMetadata(r: Reader, raw: unknown): ObjectMeta {
  const m = r.object(raw, 'metadata');
  const meta: ObjectMeta = {
    name: r.requiredString(m['name'], 'metadata.name'),
    namespace: r.requiredString(m['namespace'], 'metadata.namespace'),
    uid: r.requiredString(m['uid'], 'metadata.uid'),
    generation: r.integer(m['generation'], 'metadata.generation', 0, 0, Number.MAX_SAFE_INTEGER),
    labels: r.stringMap(m['labels'], 'metadata.labels'),
  };
  const rv = r.optionalString(m['resourceVersion'], 'metadata.resourceVersion');
  if (rv !== undefined) meta.resourceVersion = rv;
  const deletion = r.optionalString(m['deletionTimestamp'], 'metadata.deletionTimestamp');
  if (deletion !== undefined) meta.deletionTimestamp = deletion;
  return meta;
}
