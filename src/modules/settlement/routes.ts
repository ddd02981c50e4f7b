import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../platform.js';

/** PLACEHOLDER — routes being implemented. */
export function settlementRoutes(_platform: Platform): FastifyPluginAsyncTypebox {
  return async () => {};
}
