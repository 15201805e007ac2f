/** Order details in words every page uses: "no salt", "2 × fish", and clock times. */

export function adjustmentWords(adjustments: Record<string, number | undefined>): string[] {
  return Object.entries(adjustments)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .map(([ingredient, portions]) => (portions === 0 ? `no ${ingredient}` : `${portions} × ${ingredient}`));
}

/** "12:04": when something happened today, at a glance. */
export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
