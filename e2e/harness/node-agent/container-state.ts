// A container's state as the agent tracks it, and its conversion to the API's
// ContainerStatus (JSON with RFC 3339 times, ready for a status patch).

export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message: string }
  | { readonly kind: 'running'; readonly startedAt: Date }
  | {
      readonly kind: 'terminated';
      readonly exitCode: number;
      readonly signal: number | undefined;
      readonly reason: string;
      readonly message: string;
      readonly startedAt: Date;
      readonly finishedAt: Date;
    };

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** Kubernetes' ContainerStatus fields the agent reports. */
export interface ContainerStatusJson {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: Record<string, Record<string, string | number>>;
  lastState: Record<string, Record<string, string | number>>;
}

export function stateJson(state: ContainerState | undefined): Record<string, Record<string, string | number>> {
  if (!state) return {};
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: state.startedAt.toISOString() } };
    case 'terminated':
      return {
        terminated: {
          exitCode: state.exitCode,
          ...(state.signal === undefined ? {} : { signal: state.signal }),
          reason: state.reason,
          ...(state.message ? { message: state.message } : {}),
          startedAt: state.startedAt.toISOString(),
          finishedAt: state.finishedAt.toISOString(),
        },
      };
  }
}

/** Whether a container that exited with `exitCode` is started again under `policy`. */
export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  switch (policy) {
    case 'Always': return true;
    case 'OnFailure': return exitCode !== 0;
    case 'Never': return false;
  }
}

const SIGNALS: Readonly<Partial<Record<NodeJS.Signals, number>>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

/** The exit code a container runtime reports: the code, or 128 + signal number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): { exitCode: number; signal: number | undefined } {
  if (code !== null) return { exitCode: code, signal: undefined };
  const n = signal === null ? 1 : (SIGNALS[signal] ?? 1);
  return { exitCode: 128 + n, signal: n };
}
