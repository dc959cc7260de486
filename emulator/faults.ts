// Queued failures that tests inject ahead of the normal request handling.
import type { UpgradeFailure } from './types.js';

interface RestRule {
  prefix: string;
  remaining: number;
  status: number;
}

export class Faults {
  private readonly upgrades: UpgradeFailure[] = [];
  private readonly rest: RestRule[] = [];

  failNextUpgrades(n: number, failure: UpgradeFailure): void {
    for (let i = 0; i < n; i++) this.upgrades.push(failure);
  }

  takeUpgradeFailure(): UpgradeFailure | undefined {
    return this.upgrades.shift();
  }

  failNextRest(pathPrefix: string, n: number, status: number): void {
    if (n > 0) this.rest.push({ prefix: pathPrefix, remaining: n, status });
  }

  /** Oldest matching rule first; exhausted rules are dropped. */
  takeRestFailure(path: string): number | undefined {
    const i = this.rest.findIndex((r) => path.startsWith(r.prefix));
    if (i < 0) return undefined;
    const rule = this.rest[i];
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rest.splice(i, 1);
    return rule.status;
  }
}
