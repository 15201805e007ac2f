/** How the bench's markdown sections write a figure: a median with the range over rounds. */
import type { PushSide } from './push-harness.ts';

export const whole = (value: number) => Math.round(value).toLocaleString('en-US');
export const ms = (value: number) => (Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
export const share = (value: number) => `${Math.round(value * 100)}%`;

/** `median (low–high)`, or the median alone when every round agreed; `?` when it was not measured. */
export function figure(side: PushSide, name: string, format: (value: number) => string): string {
  const value = side.median[name];
  const range = side.range[name];
  if (typeof value !== 'number') return '?';
  return range && range[0] !== range[1] ? `${format(value)} (${format(range[0])}–${format(range[1])})` : format(value);
}
