/**
 * The `admission.k8s.io/v1` AdmissionReview wire format: the request parsed at the
 * trust boundary (only the fields the injector reads), and the response built
 * from an allow / patch / deny decision. Pure.
 */
import { err, ok, type Result } from '../util/result.js';
import type { JsonPatchOp } from './inject-patch.js';

export interface AdmissionRequest {
  uid: string;
  namespace: string;
  operation: string;
  /** Group/version/kind of the object, e.g. `/v1/Pod`. */
  kind: string;
  /** True for `kubectl apply --dry-run=server` and friends: no side effects allowed. */
  dryRun: boolean;
  object: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseAdmissionReview(body: unknown): Result<AdmissionRequest, string> {
  if (!isObj(body) || body['kind'] !== 'AdmissionReview') return err('body is not an AdmissionReview');
  if (body['apiVersion'] !== 'admission.k8s.io/v1') return err(`unsupported AdmissionReview version ${String(body['apiVersion'])}; configure admissionReviewVersions [v1]`);
  const request = body['request'];
  if (!isObj(request) || str(request['uid']) === '') return err('AdmissionReview has no request.uid');
  const kind = isObj(request['kind']) ? request['kind'] : {};
  return ok({
    uid: str(request['uid']),
    namespace: str(request['namespace']),
    operation: str(request['operation']),
    kind: `${str(kind['group'])}/${str(kind['version'])}/${str(kind['kind'])}`,
    dryRun: request['dryRun'] === true,
    object: request['object'],
  });
}

export type AdmissionDecision =
  | { kind: 'allow'; warning?: string }
  | { kind: 'patch'; patch: JsonPatchOp[] }
  | { kind: 'deny'; code: number; message: string };

export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    patchType?: 'JSONPatch';
    patch?: string;
    status?: { code: number; message: string };
    warnings?: string[];
  };
}

export function admissionResponse(uid: string, decision: AdmissionDecision): AdmissionReviewResponse {
  const base = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' } as const;
  switch (decision.kind) {
    case 'allow':
      return { ...base, response: { uid, allowed: true, ...(decision.warning !== undefined ? { warnings: [decision.warning] } : {}) } };
    case 'patch':
      return { ...base, response: { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(decision.patch), 'utf8').toString('base64') } };
    case 'deny':
      return { ...base, response: { uid, allowed: false, status: { code: decision.code, message: decision.message } } };
  }
}
