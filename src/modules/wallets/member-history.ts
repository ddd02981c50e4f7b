import type { Activity, HistoryLineType } from './types.js';
import type { WalletService } from './wallet-service.js';

/**
 * The SQL expression that gives a history line its place: the next value of the history's own
 * sequence (`member_activity.seq`). A module whose rows are their own history lines (a payment)
 * takes their places from it as it writes them, so one order runs through every line.
 */
export const NEXT_HISTORY_SEQ_SQL = "nextval('member_activity_seq_seq')";

/** The most lines a page of the member's history holds. */
export const ACTIVITY_PAGE_MAX = 100;

export interface HistoryPage {
  /** Lines placed before this one (all when MAX_SAFE_INTEGER). */
  beforeSeq: number;
  month?: string;
  merchantId?: string;
  limit: number;
}

/** A module whose rows are lines of the member's history, read from its own tables. */
export interface HistoryLineSource {
  /** The type of its lines: a filter by type without it leaves the source out. */
  readonly lineType: HistoryLineType;
  /** Its newest lines placed before `page.beforeSeq`, at most `page.limit`, newest first. */
  linesOf(tenantId: string, memberId: string, page: HistoryPage): Promise<Activity[]>;
  /**
   * The whole details of lines of its type that member_activity stored before the source derived
   * them (they keep only what the source's rows lack), by reference id.
   */
  detailsOfStoredLines(
    tenantId: string,
    lines: ReadonlyArray<{ referenceId: string; details: Record<string, unknown> }>,
  ): Promise<Map<string, Record<string, unknown>>>;
}

export interface HistoryFilter {
  types?: string[];
  month?: string;
  merchantId?: string;
  beforeSeq?: number;
  limit: number;
}

/**
 * The member's history, newest first: the lines member_activity stores and the lines other modules
 * derive from their own rows, merged by their place in the history's one sequence. Each source gives
 * at most a page of its newest lines before the cursor, so the merged page is exact.
 */
export class MemberHistory {
  constructor(
    private readonly stored: Pick<WalletService, 'activity'>,
    private readonly sources: readonly HistoryLineSource[],
  ) {}

  async page(tenantId: string, memberId: string, filter: HistoryFilter): Promise<Activity[]> {
    const limit = Math.min(filter.limit, ACTIVITY_PAGE_MAX);
    const page: HistoryPage = {
      beforeSeq: filter.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      month: filter.month,
      merchantId: filter.merchantId,
      limit,
    };
    const wanted = (type: string) =>
      !filter.types || filter.types.length === 0 || filter.types.includes(type);
    const [storedLines, ...derived] = await Promise.all([
      this.stored.activity(tenantId, memberId, { ...filter, limit }),
      ...this.sources
        .filter((source) => wanted(source.lineType))
        .map((source) => source.linesOf(tenantId, memberId, page)),
    ]);
    const completed = await this.completeStoredLines(tenantId, storedLines ?? []);
    return [...completed, ...derived.flat()].sort((a, b) => b.seq - a.seq).slice(0, limit);
  }

  private async completeStoredLines(tenantId: string, lines: Activity[]): Promise<Activity[]> {
    let completed = lines;
    for (const source of this.sources) {
      const ofSource = completed.filter((line) => line.type === source.lineType);
      if (ofSource.length === 0) continue;
      const details = await source.detailsOfStoredLines(tenantId, ofSource);
      completed = completed.map((line) =>
        line.type === source.lineType
          ? { ...line, details: details.get(line.referenceId) ?? line.details }
          : line,
      );
    }
    return completed;
  }
}
