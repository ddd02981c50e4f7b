import type { paths } from './schema.js';

/** Response and body types by path, so screens name API shapes without restating them. */

type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

export type OkResponse<
  Path extends keyof paths,
  Method extends 'get' | 'post' | 'delete',
  Status extends 200 | 201 = Method extends 'post' ? 201 : 200,
> = paths[Path][Method] extends { responses: infer Responses }
  ? Status extends keyof Responses
    ? JsonOf<Responses[Status]>
    : never
  : never;

export type RequestBody<Path extends keyof paths, Method extends 'post'> = paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type Wallet = OkResponse<'/v1/me/wallet', 'get'>;
export type Me = OkResponse<'/v1/me', 'get'>;
export type Session = OkResponse<'/v1/sessions', 'post'>;
export type Activity = OkResponse<'/v1/me/transactions', 'get'>['items'][number];
export type MemberReceipt = OkResponse<'/v1/me/payments', 'post'>;
export type MerchantReceipt = OkResponse<'/v1/merchant/payments', 'post'>;
export type CashbackRuleLine = MemberReceipt['cashback']['rules'][number];
export type Industry = OkResponse<'/v1/industries', 'get'>['items'][number];
export type District = OkResponse<'/v1/districts', 'get'>['items'][number];
export type Market = OkResponse<'/v1/markets', 'get'>['items'][number];
export type DirectoryEntry = OkResponse<'/v1/merchants', 'get'>['items'][number];
export type ApplicationBody = RequestBody<'/v1/merchant-applications', 'post'>;
export type Eligibility = OkResponse<'/v1/merchant-applications/eligibility', 'post', 200>;
export type EligibilityReason = Eligibility['reasons'][number];
export type MerchantApplication = OkResponse<'/v1/me/merchant-applications', 'get'>['items'][number];
export type MerchantProfile = OkResponse<'/v1/merchant/profile', 'get'>;
export type Sales = OkResponse<'/v1/merchant/sales', 'get'>;
export type Sale = Sales['items'][number];
export type Cancellation = OkResponse<'/v1/merchant/payments/{paymentId}/cancellations', 'post'>;
export type PolicyList = OkResponse<'/v1/operator/policies', 'get'>;
export type CashbackPolicy = PolicyList['items'][number];
export type CashbackRules = CashbackPolicy['rules'];
export type PolicyRule = PolicyList['rules'][number];
export type PolicyPreview = OkResponse<'/v1/operator/policies/preview', 'post', 200>;
export type PreviewSample = RequestBody<'/v1/operator/policies/preview', 'post'>['sample'];
export type BudgetPot = OkResponse<'/v1/operator/budgets', 'get'>['items'][number];
export type BudgetBurn = OkResponse<'/v1/operator/budgets/{id}/burn', 'get'>;
export type AuditReport = OkResponse<'/v1/operator/audit', 'get'>;
export type OperatorAction = OkResponse<'/v1/operator/audit-trail', 'get'>['items'][number];
export type RuleKey = PolicyRule['key'];
export type Transfer = OkResponse<'/v1/me/transfers', 'get'>['items'][number];
export type Refund = OkResponse<'/v1/me/refunds', 'get'>['items'][number];
export type AutoCharge = OkResponse<'/v1/me/auto-charge', 'get'>;
export type MyProgram = OkResponse<'/v1/me/programs', 'get'>['items'][number];
export type Settlement = OkResponse<'/v1/merchant/settlements', 'get'>['items'][number];
export type SettlementStatement = OkResponse<'/v1/merchant/settlements/{statementId}', 'get'>;
export type Program = OkResponse<'/v1/operator/programs/{programId}', 'get'>;
export type NewProgram = RequestBody<'/v1/operator/programs', 'post'>;
export type RecipientImport = OkResponse<'/v1/operator/programs/{programId}/recipients', 'post', 200>;
export type ProgramReport = OkResponse<'/v1/operator/programs/{programId}/report', 'get'>;
export type SettlementDay = OkResponse<'/v1/operator/settlements', 'get'>;
export type SettlementRun = OkResponse<'/v1/operator/settlements/runs', 'post', 200>;
export type FeeRules = OkResponse<'/v1/operator/settlements/fee-rules', 'get'>;
