/**
 * The few semantic-version operations packs need: order two versions, and test the app version
 * against a manifest's `app` range (`>=0.2.0`, `^1.2.0`, `~1.2.0`, `1.2.3`, `*`, or several
 * comparators separated by spaces, all of which must hold, e.g. `>=0.2.0 <1.0.0`).
 */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const COMPARATOR = /^(>=|<=|>|<|=|\^|~)?((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?)$/;

interface Parsed {
  core: [number, number, number];
  pre: string[];
}

function parse(version: string): Parsed {
  const m = SEMVER.exec(version);
  if (!m) throw new RangeError(`Not a semantic version: ${JSON.stringify(version)}`);
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Negative when a < b, zero when equal (build metadata ignored), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] - y.core[i];
  // a release sorts after its pre-releases
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

/** Whether `range` is well-formed; undefined when it is, else what is wrong. */
export function rangeProblem(range: string): string | undefined {
  if (range.trim() === '*') return undefined;
  for (const part of range.trim().split(/\s+/)) {
    if (!COMPARATOR.test(part)) return `has a comparator this app does not understand: ${JSON.stringify(part)} (use forms like ">=0.1.0", "^1.2.0", "~1.2.0", "1.2.3" or "*")`;
  }
  return undefined;
}

export function satisfies(version: string, range: string): boolean {
  if (range.trim() === '*') return true;
  return range
    .trim()
    .split(/\s+/)
    .every((part) => {
      const [, op = '=', v] = COMPARATOR.exec(part) ?? [];
      if (!v) return false;
      const c = compareVersions(version, v);
      const [major, minor] = parse(v).core;
      switch (op) {
        case '>=':
          return c >= 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '<':
          return c < 0;
        case '=':
          return c === 0;
        case '~':
          return c >= 0 && compareVersions(version, `${major}.${minor + 1}.0-0`) < 0;
        case '^': {
          const upper = major > 0 ? `${major + 1}.0.0-0` : minor > 0 ? `0.${minor + 1}.0-0` : `0.0.${parse(v).core[2] + 1}-0`;
          return c >= 0 && compareVersions(version, upper) < 0;
        }
        default:
          return false;
      }
    });
}
