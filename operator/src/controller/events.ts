/**
 * Kubernetes Events for what the operator did ("Created StatefulSet", "Renewed
 * certificate", "Draining replica"). core/v1 Events are used because their
 * timestamps are metav1.Time (events.k8s.io requires a MicroTime eventTime, which
 * this client cannot serialize correctly). Failures to record are logged, never fatal.
 */
import { CoreV1Api, KubeConfig, type CoreV1Event } from '@kubernetes/client-node';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(obj: InvolvedObject, type: EventType, reason: string, message: string): void;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly api: CoreV1Api;
  private counter = 0;

  constructor(kc: KubeConfig, private readonly component: string, private readonly onError: (err: unknown) => void, private readonly clock: Clock = systemClock) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  record(obj: InvolvedObject, type: EventType, reason: string, message: string): void {
    const now = new Date(this.clock.now());
    this.counter += 1;
    const body: CoreV1Event = {
      metadata: { name: `${obj.name}.${now.getTime().toString(16)}${this.counter.toString(16)}`, namespace: obj.namespace },
      involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.name, namespace: obj.namespace, uid: obj.uid },
      type,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.api.createNamespacedEvent({ namespace: obj.namespace, body }).catch(this.onError);
  }
}
