/**
 * Names for the statements of a hot transaction (`TransactionOptions.genericPlans`: the payment
 * batch), so each connection parses and plans them once (a named prepared statement) instead of at
 * every batch. Planning was most of a small batch's
 * time in PostgreSQL: at 100 payments a second (batches of one), ~3.3 of ~4.9 ms of PostgreSQL's time
 * per payment went to planning (docs/engine.md, "Session 16").
 *
 * Bounded: a text is named the second time it is seen, so a one-off text (a report, a script) never
 * holds a name, and at most `namesMax` texts are ever named — each connection keeps at most that many
 * statements prepared. Past the bound, texts run unnamed, as before.
 */
export const STATEMENT_NAMES_MAX = 1_000;
/** Texts seen once that may still be named at their second sighting; forgotten all at once past it. */
const SEEN_ONCE_MAX = 4_096;

export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seenOnce = new Set<string>();
  private serial = 0;

  constructor(private readonly namesMax = STATEMENT_NAMES_MAX) {}

  /** The name to run `text` under, or undefined to run it unnamed (its first sighting, or past the bound). */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined) return name;
    if (this.names.size >= this.namesMax) return undefined;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= SEEN_ONCE_MAX) this.seenOnce.clear();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    this.serial += 1;
    const fresh = `hanbat_${this.serial}`;
    this.names.set(text, fresh);
    return fresh;
  }

  /**
   * Gives up `text`'s name: a connection's prepared copy no longer fits the table it reads (PostgreSQL
   * refuses a plan whose result columns changed since it was prepared). Its next sightings earn a new
   * name, which every connection prepares afresh.
   */
  forget(text: string): void {
    this.names.delete(text);
  }

  get size(): number {
    return this.names.size;
  }
}

/** PostgreSQL's refusal to run a prepared statement whose result columns a schema change altered. */
export function isStalePreparedResult(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === '0A000' &&
    typeof message === 'string' &&
    message.includes('cached plan must not change result type')
  );
}
