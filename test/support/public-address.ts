import { spawnSync } from 'node:child_process';

/**
 * A webhook receiver VoIPBIN could deliver to must sit at a public address, and tests cannot
 * reach one on the internet. So the tests give this machine one: an address from public space
 * (11.0.0.0/8, which the URL policy rightly lets through) added to the loopback interface for
 * the duration of a test file, and removed after. A real socket at a real "public" address —
 * the policy, the pinning and the redirect checks all run exactly as they would against a
 * receiver on the internet. Needs CAP_NET_ADMIN (CI runs as root).
 */
export class PublicAddress {
  private constructor(readonly address: string) {}

  /** Undefined where the interface cannot be changed (not root). */
  static add(): PublicAddress | undefined {
    const address = `11.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 255)}.${1 + Math.floor(Math.random() * 250)}`;
    const r = spawnSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo'], { encoding: 'utf8' });
    return r.status === 0 ? new PublicAddress(address) : undefined;
  }

  remove(): void {
    spawnSync('ip', ['addr', 'del', `${this.address}/32`, 'dev', 'lo']);
  }
}

/** Adds one for the file, or says why the tests that need one cannot run (and fails under CI). */
export function publicAddressOrSkip(): PublicAddress | undefined {
  const a = PublicAddress.add();
  if (a === undefined && process.env.CI === 'true')
    throw new Error('cannot add a test address to the loopback interface (ip addr add … dev lo): run as root, as .ci/run does');
  return a;
}
