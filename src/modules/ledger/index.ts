export { type AuditReport, type AuditViolation, auditLedger } from './audit.js';
export type { SealableTransfer } from './commit-order.js';
export type { HeldAccounts } from './held-accounts.js';
export { LedgerService } from './ledger-service.js';
export { ledgerMigrations } from './migrations.js';
export * from './types.js';
