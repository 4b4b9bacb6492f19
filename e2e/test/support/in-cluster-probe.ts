// A pod that checks what an in-cluster client (an operator) depends on: the
// KUBERNETES_SERVICE_HOST/PORT env, the projected token and CA, and RBAC. It
// lists pods in its namespace and exits 0 on HTTP 200, 3 on 403 (authenticated,
// not authorized), 1 on any other status, 2 when the apiserver is unreachable.
import type { V1Pod } from '@kubernetes/client-node';

const SCRIPT = `
const fs = require('fs'), https = require('https');
const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
const ns = fs.readFileSync(dir + '/namespace', 'utf8');
https.get({
  host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT,
  path: '/api/v1/namespaces/' + ns + '/pods', ca: fs.readFileSync(dir + '/ca.crt'),
  headers: { Authorization: 'Bearer ' + fs.readFileSync(dir + '/token', 'utf8') },
}, (res) => { console.log('status', res.statusCode); process.exit(res.statusCode === 200 ? 0 : res.statusCode === 403 ? 3 : 1); })
  .on('error', (e) => { console.log('error', e.message); process.exit(2); });
`;

export function inClusterProbePod(name: string, serviceAccountName: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName,
      containers: [{ name: 'probe', image: 'node:20', command: ['node', '-e', SCRIPT] }],
    },
  };
}
