/**
 * Job ids this container has already acted on, the oldest forgotten first. Asynchronous invocations (jobs and
 * failure records alike) are delivered at least once: a repeat must change nothing for the person.
 */
export class RecentJobIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 1_000) {}

  /** True the first time an id is seen, false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(id);
    return true;
  }
}
