/**
 * Which calls of a fake fail, and how: faults queued for the next calls of a target (FIFO, `*` for
 * any), and optionally a random share of calls. Shared by the fake Slack and the fake Lightsail.
 */
export class FaultPlan<Fault> {
  private readonly queued: Array<{ target: string; fault: Fault; remaining: number }> = [];
  private chance: { rate: number; faults: Fault[]; targets: string[]; random: () => number } | undefined;
  /** How many faults were injected at random, by target. */
  readonly randomCounts = new Map<string, number>();

  /** `wildcardReaches` says which targets `*` (queued or random) applies to. */
  constructor(private readonly wildcardReaches: (target: string) => boolean = () => true) {}

  inject(target: string, fault: Fault, times: number): void {
    if (times > 0) this.queued.push({ target, fault, remaining: times });
  }

  setRandom(rate: number, faults: Fault[], targets: string[], random: () => number): void {
    this.chance = { rate, faults, targets, random };
  }

  /** The fault the next call of `target` gets, if any. */
  take(target: string): Fault | undefined {
    const reaches = (named: string) => named === target || (named === '*' && this.wildcardReaches(target));
    const chance = this.chance;
    if (chance?.targets.some(reaches) && chance.random() < chance.rate) {
      this.randomCounts.set(target, (this.randomCounts.get(target) ?? 0) + 1);
      return chance.faults[Math.floor(chance.random() * chance.faults.length)];
    }
    const index = this.queued.findIndex((entry) => reaches(entry.target));
    const entry = this.queued[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queued.splice(index, 1);
    return entry.fault;
  }
}
