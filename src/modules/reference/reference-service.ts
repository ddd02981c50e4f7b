import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';

/** PLACEHOLDER — being implemented: industries, districts and traditional markets per tenant. */
export class ReferenceService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {}
}
