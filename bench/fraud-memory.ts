/**
 * A city's fraud detector once its memory is full: the heap it holds (after a full collection) as
 * payments keep passing through it, at a Daejeon-like spread (150,000 members, 5,000 shops, a few
 * busy ones), one payment a second so that only the held-payments bound forgets.
 * `node --expose-gc --import tsx bench/fraud-memory.ts [payments]`.
 */
import { FraudDetector, localTimeIn, PAYMENTS_IN_MEMORY_MAX } from '../src/modules/fraud/detector.js';
import { FRAUD_RULE_DEFAULTS } from '../src/modules/fraud/rules.js';

const MERCHANTS = 5_000;
const MEMBERS = 150_000;
const START_MS = Date.UTC(2026, 10, 2);
const REPORT_EVERY = PAYMENTS_IN_MEMORY_MAX;
const payments = Number(process.argv[2] ?? 5 * PAYMENTS_IN_MEMORY_MAX);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx');
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};

/** A fixed linear congruential stream, so every run sees the same traffic. */
let state = 1;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state / 2_147_483_648;
};
const merchantId = (m: number) => `mch_${m.toString(36).padStart(8, '0')}`;

const baseMb = heapMb();
const detector = new FraudDetector(FRAUD_RULE_DEFAULTS, localTimeIn('Asia/Seoul'));
for (let m = 0; m < MERCHANTS; m++)
  detector.observe({
    kind: 'merchant',
    merchantId: merchantId(m),
    name: `shop ${m}`,
    ownerId: null,
    registeredAt: START_MS - 400 * 86_400_000,
    annualRevenueWon: 120_000_000,
    industryCode: `I${m % 30}`,
    district: `d${m % 5}`,
  });
for (let i = 0; i < payments; i++) {
  const m = Math.floor(MERCHANTS * random() ** 2);
  detector.observe({
    kind: 'payment',
    id: `pay_${i.toString(36).padStart(16, '0')}`,
    at: START_MS + i * 1_000,
    memberId: `mem_${Math.floor(random() * MEMBERS)
      .toString(36)
      .padStart(10, '0')}`,
    merchantId: merchantId(m),
    amountWon: 1_000 + Math.floor(random() * 50_000),
    cashbackWon: 100,
    industryCode: `I${m % 30}`,
    district: `d${m % 5}`,
    annualRevenueWon: 120_000_000,
  });
  if ((i + 1) % REPORT_EVERY === 0)
    console.log(`${i + 1} payments: the detector holds ${(heapMb() - baseMb).toFixed(1)} MB of heap`);
}
