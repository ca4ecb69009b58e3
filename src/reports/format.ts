/** Number formatting shared by the text table and the HTML page. */

export function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/** 95 → "1h 35m", 3324 → "2d 7h 24m", 45.5 → "45.5m". */
export function minutes(value: number | null): string {
  if (value === null) return 'n/a';
  if (value < 60) return `${Number.isInteger(value) ? value : value.toFixed(1)}m`;
  const total = Math.round(value);
  const days = Math.floor(total / (24 * 60));
  const hours = Math.floor((total % (24 * 60)) / 60);
  const mins = total % 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', mins ? `${mins}m` : ''].filter(Boolean).join(' ') || '0m';
}

export function decimal(value: number | null, digits = 2): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** "3/9" style share for tables. */
export function share(count: number, of: number): string {
  return `${count}/${of}`;
}
