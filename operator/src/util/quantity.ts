/**
 * Kubernetes resource quantities ("1Gi", "500M", "1.5Ti"), parsed to bytes so the
 * operator can compare a PVC's requested size with the spec (growth only).
 * Reference: k8s.io/apimachinery/pkg/api/resource/quantity.go (suffixes).
 */
import { err, ok, type Result } from './result.js';

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const QUANTITY = /^(\d+(?:\.\d+)?)(|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$/;

/** Parses a storage quantity to a byte count (a float for very large values). */
export function parseQuantity(text: string): Result<number, string> {
  const m = QUANTITY.exec(text);
  if (m === null) return err(`invalid quantity "${text}": expected e.g. 1Gi, 500Mi, 10G`);
  const factor = SUFFIX[m[2] ?? ''];
  if (factor === undefined) return err(`invalid quantity suffix in "${text}"`);
  return ok(Number(m[1]) * factor);
}
