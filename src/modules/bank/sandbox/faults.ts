import { type Static, Type } from 'typebox';

/**
 * How the sandbox misbehaves on a withdrawal or deposit request:
 * - `timeout`: holds the request for `hangMs`, then applies it and answers — long after the caller
 *   gave up, so the transfer lands while the caller believes nothing happened;
 * - `error_5xx`: answers 503 without applying anything;
 * - `lost_response`: applies the transfer, then drops the connection without an answer;
 * - `duplicate_callback`: answers normally and delivers the callback twice.
 */
export const FaultKindSchema = Type.Union([
  Type.Literal('timeout'),
  Type.Literal('error_5xx'),
  Type.Literal('lost_response'),
  Type.Literal('duplicate_callback'),
]);
export type FaultKind = Static<typeof FaultKindSchema>;

export const FAULT_QUEUE_MAX = 1000;
const LATENCY_MS_MAX = 30_000;
const HANG_MS_MAX = 60_000;
const RATE_BP_MAX = 10_000;

export const FaultSettingsSchema = Type.Object(
  {
    latencyMs: Type.Integer({ minimum: 0, maximum: LATENCY_MS_MAX, description: 'added to every request' }),
    hangMs: Type.Integer({ minimum: 0, maximum: HANG_MS_MAX, description: 'how long a timeout holds' }),
    queue: Type.Array(FaultKindSchema, {
      maxItems: FAULT_QUEUE_MAX,
      description: 'faults for the next requests, one each, in order; rates apply once it is empty',
    }),
    ratesBp: Type.Object(
      {
        timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: RATE_BP_MAX })),
        error_5xx: Type.Optional(Type.Integer({ minimum: 0, maximum: RATE_BP_MAX })),
        lost_response: Type.Optional(Type.Integer({ minimum: 0, maximum: RATE_BP_MAX })),
        duplicate_callback: Type.Optional(Type.Integer({ minimum: 0, maximum: RATE_BP_MAX })),
      },
      { additionalProperties: false, description: 'chance per request in basis points, checked in order' },
    ),
  },
  { additionalProperties: false },
);
export type FaultSettings = Static<typeof FaultSettingsSchema>;

export const FaultSettingsPatchSchema = Type.Partial(FaultSettingsSchema, { additionalProperties: false });

const FAULT_KINDS: readonly FaultKind[] = ['timeout', 'error_5xx', 'lost_response', 'duplicate_callback'];

export function noFaults(): FaultSettings {
  return { latencyMs: 0, hangMs: 10_000, queue: [], ratesBp: {} };
}

/** The switchable faults of one sandbox server; the queue is consumed one fault per request. */
export class FaultPlan {
  private settings: FaultSettings = noFaults();

  constructor(private readonly random: () => number = Math.random) {}

  configure(patch: Partial<FaultSettings>): FaultSettings {
    const queue = patch.queue ? [...patch.queue] : this.settings.queue;
    if (queue.length > FAULT_QUEUE_MAX) throw new Error(`at most ${FAULT_QUEUE_MAX} queued faults`);
    this.settings = { ...this.settings, ...patch, queue };
    return this.snapshot();
  }

  reset(): FaultSettings {
    this.settings = noFaults();
    return this.snapshot();
  }

  snapshot(): FaultSettings {
    return { ...this.settings, queue: [...this.settings.queue], ratesBp: { ...this.settings.ratesBp } };
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  get hangMs(): number {
    return this.settings.hangMs;
  }

  next(): FaultKind | null {
    const queued = this.settings.queue.shift();
    if (queued) return queued;
    for (const kind of FAULT_KINDS) {
      const rateBp = this.settings.ratesBp[kind] ?? 0;
      if (rateBp > 0 && this.random() * RATE_BP_MAX < rateBp) return kind;
    }
    return null;
  }
}
