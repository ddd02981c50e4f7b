/** An amount as an English message writes it: ₩12,345 (the Korean messages write 12,345원). */
export function wonEn(amountWon: number): string {
  return `₩${amountWon.toLocaleString('en-US')}`;
}
