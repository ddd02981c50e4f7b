import type { firstRunKo } from './first-run.ko.js';

export const firstRunEn: typeof firstRunKo = {
  demoSignInsTitle: 'Demo accounts (demo mode)',
  demoSignInsIntro: 'These exist on a demo server only. Choose one to fill in the form.',
  useDemoSignIn: 'Fill in {{who}}',
};
