import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The smallest tap target people hit reliably with a thumb (Apple's HIG and WCAG 2.5.5: 44 × 44 CSS px). */
export const TAP_TARGET_PX_MIN = 44;

interface SmallTarget {
  what: string;
  widthPx: number;
  heightPx: number;
}

/**
 * Measures the bounding box of every interactive element on the screen as it is now (links, buttons,
 * fields, selects, disclosure summaries). A checkbox or radio is measured by its label, which is what
 * the thumb hits. Skipped: what is not rendered, what is visually hidden (1 px, read by screen readers
 * only, e.g. a file input behind its label), and the skip link, which appears only on keyboard focus.
 */
export async function expectTapTargets(page: Page, screen: string): Promise<void> {
  expect(await smallTapTargets(page), `tap targets under ${TAP_TARGET_PX_MIN} px on ${screen}`).toEqual([]);
}

/** What {@link expectTapTargets} finds too small, for a journey that reports many screens at once. */
export async function smallTapTargets(page: Page): Promise<SmallTarget[]> {
  return page.evaluate((minPx): SmallTarget[] => {
    const selector = [
      'a[href]',
      'button',
      'input:not([type="hidden"])',
      'select',
      'textarea',
      'summary',
      '[role="button"]',
    ].join(',');
    const found: SmallTarget[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      if (element.closest('.skip-link')) continue;
      const input = element instanceof HTMLInputElement ? element : null;
      const target =
        input && (input.type === 'checkbox' || input.type === 'radio')
          ? (input.closest('label') ?? input.labels?.[0] ?? input.parentElement ?? input)
          : element;
      const box = target.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      if (getComputedStyle(target).visibility === 'hidden') continue;
      if (box.width >= minPx && box.height >= minPx) continue;
      const text = (target.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const name = target.getAttribute('aria-label') ?? (text || (input ? `input[${input.type}]` : ''));
      found.push({
        what: `${target.tagName.toLowerCase()}.${target.className} "${name}"`,
        widthPx: Math.round(box.width),
        heightPx: Math.round(box.height),
      });
    }
    return found;
  }, TAP_TARGET_PX_MIN);
}

/**
 * The screen's main action where the thumb rests on a 390×844 phone: in the lower half of the screen,
 * fully visible above the bottom tab bar, and not covered by anything (the element at its centre is it).
 */
export async function expectInThumbReach(page: Page, buttonName: string, screen: string): Promise<void> {
  const button = page.getByRole('button', { name: buttonName, exact: true });
  await button.waitFor();
  const reach = await button.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const nav = document.querySelector('.console-nav')?.getBoundingClientRect();
    const navTopPx = nav && nav.height > 0 ? nav.top : window.innerHeight;
    const atCentre = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
      inLowerHalf: box.top >= window.innerHeight / 2,
      aboveTabBar: box.bottom <= navTopPx,
      uncovered: atCentre !== null && element.contains(atCentre),
      topPx: Math.round(box.top),
      bottomPx: Math.round(box.bottom),
      navTopPx: Math.round(navTopPx),
    };
  });
  expect(reach, `"${buttonName}" within thumb reach on ${screen}`).toMatchObject({
    inLowerHalf: true,
    aboveTabBar: true,
    uncovered: true,
  });
}

/** Each screen names the browser tab after itself: "<its heading> — 온통대전". */
export async function expectOwnTitle(page: Page, suffix: string): Promise<string> {
  const heading = ((await page.locator('h1').first().textContent()) ?? '').trim();
  expect(heading).not.toBe('');
  await expect.poll(() => page.title(), { timeout: 30_000 }).toBe(`${heading} — ${suffix}`);
  return page.title();
}
