// Builds a container's argv from its image and manifest the way a container
// runtime does: `command` replaces the image's entrypoint, `args` replaces its
// default CMD, and $(VAR) references are expanded from the container's env.
import type { V1Container } from '@kubernetes/client-node';
import { COMMAND_ALIASES, type ImageProgram } from './images.js';

/**
 * Expands Kubernetes' $(VAR) references: `$(NAME)` becomes the variable's value
 * when it is defined and stays literal otherwise; `$$` escapes a dollar sign.
 * Source: https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match: string, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? '') : match;
  });
}

/** The argv to run for `container`, after variable expansion. */
export function containerArgv(container: V1Container, program: ImageProgram, env: Readonly<Record<string, string>>): string[] {
  const command = (container.command ?? []).map((c) => expandVars(c, env));
  const args = (container.args ?? []).map((a) => expandVars(a, env));
  if (command.length > 0) return [...resolveAlias(command), ...args];
  if (args.length === 0) return [...program.entrypoint, ...program.defaultArgs];
  if (program.argsMode === 'prepend-if-flag' && !looksLikeFlags(args)) return resolveAlias(args);
  return [...program.entrypoint, ...args];
}

/** docker-entrypoint.sh of the redis and node images: a leading flag or .conf file means "arguments to the server". */
function looksLikeFlags(args: readonly string[]): boolean {
  const first = args[0] ?? '';
  return first.startsWith('-') || first.endsWith('.conf') || first.endsWith('.js') || first.endsWith('.mjs');
}

function resolveAlias(argv: readonly string[]): string[] {
  const [first, ...rest] = argv;
  const alias = first === undefined ? undefined : COMMAND_ALIASES[first];
  return alias ? [...alias, ...rest] : [...argv];
}
