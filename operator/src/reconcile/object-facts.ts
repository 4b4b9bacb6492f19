/**
 * The few facts the reconciler reads back from built-in objects, taken from
 * `unknown` (outside data is parsed, not trusted; STYLE.md habit 6).
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface StatefulSetFacts {
  replicas: number;
  updateRevision?: string;
  claimTemplateSize?: string;
}

export function statefulSetFacts(sts: unknown): StatefulSetFacts | undefined {
  if (sts === undefined) return undefined;
  const spec = obj(obj(sts)['spec']);
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 0;
  const facts: StatefulSetFacts = { replicas };
  const updateRevision = str(obj(obj(sts)['status'])['updateRevision']);
  if (updateRevision !== undefined) facts.updateRevision = updateRevision;
  const templates = spec['volumeClaimTemplates'];
  const first = Array.isArray(templates) ? obj(templates[0] as unknown) : {};
  const size = str(obj(obj(obj(first['spec'])['resources'])['requests'])['storage']);
  if (size !== undefined) facts.claimTemplateSize = size;
  return facts;
}

export interface PodFacts {
  terminating: boolean;
  ready: boolean;
  running: boolean;
  podIP?: string;
  revision?: string;
}

export function podFacts(pod: unknown): PodFacts {
  const meta = obj(obj(pod)['metadata']);
  const status = obj(obj(pod)['status']);
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]).map(obj) : [];
  const facts: PodFacts = {
    terminating: meta['deletionTimestamp'] !== undefined && meta['deletionTimestamp'] !== null,
    ready: conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True'),
    running: status['phase'] === 'Running',
  };
  const ip = str(status['podIP']);
  if (ip !== undefined) facts.podIP = ip;
  const revision = str(obj(meta['labels'])['controller-revision-hash']);
  if (revision !== undefined) facts.revision = revision;
  return facts;
}

export function pvcRequestedStorage(pvc: unknown): string | undefined {
  return str(obj(obj(obj(obj(pvc)['spec'])['resources'])['requests'])['storage']);
}
