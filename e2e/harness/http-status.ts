// A GET that only reports the status code: health and readiness checks for the
// control plane and httpGet probes for pods. Connection errors report 0.
import http from 'node:http';
import https from 'node:https';

export interface TlsOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** httpGet probes with scheme HTTPS skip verification, as the kubelet does. */
  readonly rejectUnauthorized?: boolean;
}

/** Resolves with the status code of GET `url`, or 0 if no response arrived within `timeoutMs`. */
export function httpStatus(url: string, tls: TlsOptions = {}, timeoutMs = 2000, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const onResponse = (res: http.IncomingMessage): void => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    const req = url.startsWith('https:')
      ? https.get(url, { ...tls, timeout: timeoutMs, headers }, onResponse)
      : http.get(url, { timeout: timeoutMs, headers }, onResponse);
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}
