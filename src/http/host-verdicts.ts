/**
 * What a run has learned about each host it talks to, shared by all of the run's clients of that
 * host: whether it ever answered, and, for one found unreachable before it ever answered, why. Kinds
 * run concurrently, so without it each would find out for itself.
 */
export interface HostVerdicts {
  /** Why `origin` cannot be reached, when a request of this run found so before it ever answered. */
  unreachable(origin: string): string | undefined;
  hasAnswered(origin: string): boolean;
  recordAnswer(origin: string): void;
  recordUnreachable(origin: string, why: string): void;
}

/** Empty verdicts, for one run. */
export function createHostVerdicts(): HostVerdicts {
  const answered = new Set<string>();
  const unreachable = new Map<string, string>();
  return {
    unreachable: (origin) => unreachable.get(origin),
    hasAnswered: (origin) => answered.has(origin),
    recordAnswer: (origin) => {
      answered.add(origin);
    },
    recordUnreachable: (origin, why) => {
      if (!answered.has(origin) && !unreachable.has(origin)) unreachable.set(origin, why);
    },
  };
}
