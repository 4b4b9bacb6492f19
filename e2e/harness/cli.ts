// Starts the testbed by hand and keeps it up until Ctrl-C, for poking at it
// with kubectl or running an operator against it:
//
//   sudo node dist/e2e/harness/cli.js
//   export KUBECONFIG=<printed path>; kubectl get nodes
import { startTestbed } from './testbed.js';

const bed = await startTestbed();
const bin = bed.binDir ?? '';
process.stdout.write(
  [
    'Testbed ready.',
    `  export KUBECONFIG=${bed.kubeconfigPath}`,
    `  export PATH=${bin}:$PATH   # kubectl and helm matching the bed`,
    `  pods reach the apiserver at https://${bed.apiserverFromPods.host}:${bed.apiserverFromPods.port}`,
    `  logs: ${bed.dir}/logs and ${bed.dir}/pods/<ns>_<pod>_<uid>/logs`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
const stop = (): void => {
  void bed.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
