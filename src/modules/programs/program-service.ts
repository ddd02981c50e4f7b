import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { Job } from '../scheduler/scheduler.js';
import type { ProgramDeps } from './types.js';

/** PLACEHOLDER — being implemented: policy payment programmes (정책발행). */
export class ProgramService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly deps: ProgramDeps,
  ) {}

  jobs(): Job[] {
    return [];
  }
}
