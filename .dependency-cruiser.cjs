/**
 * Import direction rules from STYLE.md: protocol -> commands -> store -> crdt;
 * replication -> replica -> store/oplog; reconcile -> resources/certs.
 * Pure layers (crdt, resp, resources, certs) import nothing with I/O.
 */
const layer = (name) => `^sidecar/src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'runtime import cycles; type-only imports are erased by the compiler and may point both ways',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'crdt-is-pure',
      comment: 'crdt/ holds pure data types: it imports only itself',
      severity: 'error',
      from: { path: layer('crdt') },
      to: { path: '^sidecar/src/(?!crdt/)' },
    },
    {
      name: 'crdt-no-node-io',
      severity: 'error',
      from: { path: '^(sidecar/src/(crdt|resp)|operator/src/(resources|certs))/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|dgram|tls|node:fs|node:net|node:http|node:https|node:child_process|node:dgram|node:tls)$' },
    },
    {
      name: 'resp-is-standalone',
      comment: 'the protocol layer knows nothing about commands or the server',
      severity: 'error',
      from: { path: layer('resp') },
      to: { path: '^sidecar/src/(?!resp/)' },
    },
    {
      name: 'store-below-commands',
      severity: 'error',
      from: { path: layer('(store|crdt|oplog)') },
      to: { path: layer('(commands|net|replication|replica|mirror)') },
    },
    {
      name: 'commands-below-net',
      severity: 'error',
      from: { path: layer('commands') },
      to: { path: layer('(net|replication)') },
    },
    {
      name: 'replica-below-replication',
      severity: 'error',
      from: { path: layer('replica') },
      to: { path: layer('(replication|net|commands)') },
    },
    {
      name: 'resources-are-pure',
      severity: 'error',
      from: { path: '^operator/src/(resources|certs)/' },
      to: { path: '^operator/src/(reconcile|controller)/' },
    },
    {
      name: 'shipped-code-uses-production-dependencies',
      comment: 'sidecar/src and operator/src run in images pruned to production dependencies (Dockerfile.*: npm prune --omit=dev): a devDependency there works in tests and fails in the pod',
      severity: 'error',
      from: { path: '^(sidecar|operator)/src/' },
      to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
