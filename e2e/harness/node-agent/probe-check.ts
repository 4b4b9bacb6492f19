// One probe attempt. tcpSocket and httpGet connect from the host to the pod's
// IP through the bridge, as a kubelet does from the node; exec runs the command
// inside the container's namespaces. Sources: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
import net from 'node:net';
import type { IntOrString, V1Container, V1Probe } from '@kubernetes/client-node';
import { httpStatus } from '../http-status.js';
import { runCommand } from '../run-command.js';
import { execArgv } from './container-launch.js';

export interface ProbeTarget {
  readonly podIP: string;
  readonly pid: number;
  readonly container: V1Container;
  readonly env: Readonly<Record<string, string>>;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
}

/** Runs the probe once with its timeout (default 1 s). */
export async function checkProbe(probe: V1Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target.container);
    const ok = await tcpConnect(probe.tcpSocket.host ?? target.podIP, port, timeoutMs);
    return { ok, message: ok ? '' : `dial tcp ${target.podIP}:${port}: connection refused` };
  }
  if (probe.httpGet) {
    const g = probe.httpGet;
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const port = resolvePort(g.port, target.container);
    const url = `${scheme}://${g.host ?? target.podIP}:${port}${g.path ?? '/'}`;
    const headers = Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const status = await httpStatus(url, { rejectUnauthorized: false }, timeoutMs, headers);
    const ok = status >= 200 && status < 400;
    return { ok, message: ok ? '' : `HTTP probe failed with statuscode: ${status}` };
  }
  if (probe.exec) {
    const result = await runCommand(execArgv(target.pid, probe.exec.command ?? []), { env: { ...target.env }, timeoutMs });
    return { ok: result.code === 0, message: result.code === 0 ? '' : `exec probe exited ${result.code}: ${result.stdout}${result.stderr}`.trim() };
  }
  return { ok: false, message: 'the e2e node agent supports only tcpSocket, httpGet and exec probes' };
}

/** A probe port may name a containerPort. */
export function resolvePort(port: IntOrString, container: V1Container): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  return named?.containerPort ?? Number(port);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
