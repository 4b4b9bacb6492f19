import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of one certificate and its key. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A throwaway CA (ECDSA P-256), as the operator would make, with the `openssl` CLI. */
export function makeCa(dir: string, name: string): CertFiles {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '3', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { cert, key };
}

export interface LeafOptions {
  /** Subject alternative names besides DNS:<id>; default localhost and 127.0.0.1. */
  readonly sans?: readonly string[];
  /** Issue a certificate that expired in 2020. */
  readonly expired?: boolean;
}

/** A replica certificate for server and client use, naming `id` (CN and DNS SAN). */
export function makeLeaf(dir: string, ca: CertFiles, id: string, options: LeafOptions = {}): CertFiles {
  const base = join(dir, `${id}${options.expired === true ? '-expired' : ''}`);
  const csr = `${base}.csr`;
  const ext = `${base}.ext`;
  const sans = [`DNS:${id}`, ...(options.sans ?? ['DNS:localhost', 'IP:127.0.0.1'])];
  writeFileSync(ext, `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['req', '-new', ...EC, '-keyout', `${base}.key`, '-out', csr, '-subj', `/CN=${id}`]);
  if (options.expired === true) {
    const caDir = join(dir, `ca-db-${id}`);
    mkdirSync(caDir, { recursive: true });
    writeFileSync(join(caDir, 'index.txt'), '');
    writeFileSync(join(caDir, 'serial'), '1000\n');
    const config = join(caDir, 'ca.cnf');
    writeFileSync(config, [
      '[ ca ]', 'default_ca = d', '[ d ]', `database = ${join(caDir, 'index.txt')}`, `new_certs_dir = ${caDir}`,
      `serial = ${join(caDir, 'serial')}`, 'default_md = sha256', 'policy = p', '[ p ]', 'commonName = supplied', '',
    ].join('\n'));
    openssl(['ca', '-batch', '-notext', '-config', config, '-cert', ca.cert, '-keyfile', ca.key, '-in', csr, '-out', `${base}.crt`,
      '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', ext]);
  } else {
    openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${base}.crt`, '-days', '2', '-extfile', ext]);
  }
  return { cert: `${base}.crt`, key: `${base}.key` };
}
