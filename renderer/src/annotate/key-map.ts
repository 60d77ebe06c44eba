/**
 * Which key labels which class. When every class is a single digit ("0".."9", as for digits),
 * the key is the class itself, so nobody has to remember that key 1 means "0". Otherwise keys
 * 1..9 then 0 follow the button order.
 */
export function classKeys(classes: readonly string[]): string[] {
  const digitsAreValues = classes.length <= 10 && classes.every((c) => /^[0-9]$/.test(c)) && new Set(classes).size === classes.length;
  if (digitsAreValues) return [...classes];
  return classes.map((_, i) => (i < 9 ? String(i + 1) : i === 9 ? '0' : ''));
}
