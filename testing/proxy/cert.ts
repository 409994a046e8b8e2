// A self-signed TLS certificate for tests, made with the openssl command
// (Debian's openssl package): an EC P-256 key and a certificate valid for a
// few days, for 127.0.0.1 and localhost. Clients trust it by its PEM (Node.js
// `tls.connect({ ca })`, NODE_EXTRA_CA_CERTS) or by the hash of its public key
// (Chromium's --ignore-certificate-errors-spki-list).
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  /** The certificate file (PEM), for nginx's ssl_certificate. */
  certPath: string;
  /** The private key file (PEM, mode 0600), for nginx's ssl_certificate_key. */
  keyPath: string;
  /** The certificate in PEM: what a client trusts. */
  pem: string;
  /** SHA-256 of the certificate's public key (SubjectPublicKeyInfo, DER), in base64. */
  spkiSha256: string;
}

/**
 * Makes `cert.pem` and `key.pem` in `dir` (which must exist) with openssl:
 * self-signed, subjectAltName IP:127.0.0.1 and DNS:localhost (plus `names`,
 * each `IP:…` or `DNS:…`), for server authentication, valid for 7 days.
 */
export function makeCertificate(dir: string, names: readonly string[] = []): TestCertificate {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const altNames = ['IP:127.0.0.1', 'DNS:localhost', ...names].join(',');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '7',
        '-subj',
        '/CN=nanomsg-ts test',
        '-addext',
        `subjectAltName=${altNames}`,
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('openssl not found: install it (Debian: openssl)');
    }
    throw error;
  }
  const pem = readFileSync(certPath, 'utf8');
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return {
    certPath,
    keyPath,
    pem,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
  };
}
