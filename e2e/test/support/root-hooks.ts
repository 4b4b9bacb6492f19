// Mocha root hooks for the e2e run (loaded by .mocharc.e2e.json's "require").
import { stopSharedCluster } from './shared-cluster.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await stopSharedCluster();
  },
};
