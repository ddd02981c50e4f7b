import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { Job } from '../scheduler/scheduler.js';
import type { SettlementDeps } from './types.js';

/** PLACEHOLDER — being implemented: daily merchant settlement (정산). */
export class SettlementService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly deps: SettlementDeps,
  ) {}

  jobs(): Job[] {
    return [];
  }
}
