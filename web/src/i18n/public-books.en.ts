import type { publicBooksKo } from './public-books.ko.js';

export const publicBooksEn: typeof publicBooksKo = {
  publicBooks: {
    title: 'Public books',
    intro:
      'Every transaction is sealed into a signed checkpoint each midnight. Anyone can check them, no sign-in needed.',
    circulation: 'Currency in circulation',
    budgets: 'Cashback budgets',
    funded: 'Funded',
    spent: 'Spent',
    remaining: 'Remaining',
    bySource: 'Funding source',
    total: 'Total',
    sources: { national: 'National', city: 'City' },
    computedAt: 'as of checkpoint #{{sequence}}',
    checkpoints: 'Latest checkpoints',
    sequence: 'No.',
    sealedAt: 'Sealed at',
    transfers: 'Transactions',
    root: 'Root hash',
    none: 'No checkpoint has been sealed yet.',
    included: 'Included in the public books',
    includedIn: 'Checkpoint #{{sequence}} ({{sealedAt}})',
    notYetSealed: 'Not sealed yet. Next checkpoint: {{at}}',
    checkProof: 'Check the public books',
    downloadProof: 'Download proof',
    verifyHint: 'Anyone can verify it offline: hanbat verify FILE --key PUBLIC_KEY',
  },
};
