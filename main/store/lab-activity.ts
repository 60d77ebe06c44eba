import type Database from 'better-sqlite3';

/**
 * A pause longer than this between two actions in a lab's notebooks is a break, not work: a
 * notebook left open over lunch or overnight adds nothing. Ten minutes leaves room to read a long
 * explanation or think before the next edit (WakaTime-style trackers use 2 to 15 minutes).
 */
export const IDLE_GAP_MS = 10 * 60_000;

/** When a lab was opened and how long the attendee has worked in it, ms since the epoch. */
export interface LabActivity {
  firstOpenedAt: number | null;
  lastOpenedAt: number | null;
  lastActiveAt: number | null;
  activeMs: number;
}

/** Where a lab's cells last ran, for a hand-in's reproducibility record. */
export interface LabEnvironment {
  backend?: string;
  device?: string;
  /** Versions the kernel reported for the packages it computes with. */
  packages?: Record<string, string>;
  /** Seeds the lab's cells used (a dataset split), by what they seeded. */
  seeds?: Record<string, number>;
  energyMethod?: string;
}

interface Row {
  first_opened_at: number | null;
  last_opened_at: number | null;
  last_active_at: number | null;
  active_ms: number;
  environment: string | null;
}

/**
 * Per-lab activity, keyed by pack id (like lab_progress) so that it survives reinstalling a pack.
 *
 * Time spent is active time: each action (opening a notebook, an edit, a run, closing) adds the
 * time since the lab's previous action when that gap is at most IDLE_GAP_MS; a longer gap is a
 * break and adds nothing, except that a cell run always counts for as long as it ran (waiting for
 * a long training cell is work).
 */
export class LabActivityTable {
  private readonly s;
  private readonly tx;

  constructor(db: Database.Database) {
    this.s = {
      get: db.prepare(`SELECT first_opened_at, last_opened_at, last_active_at, active_ms, environment FROM lab_activity WHERE lab_id = ?`),
      upsert: db.prepare(
        `INSERT INTO lab_activity (lab_id, first_opened_at, last_opened_at, last_active_at, active_ms, environment)
         VALUES (@labId, @firstOpenedAt, @lastOpenedAt, @lastActiveAt, @activeMs, @environment)
         ON CONFLICT (lab_id) DO UPDATE SET first_opened_at = excluded.first_opened_at, last_opened_at = excluded.last_opened_at,
           last_active_at = excluded.last_active_at, active_ms = excluded.active_ms, environment = excluded.environment`,
      ),
    };
    this.tx = db.transaction((labId: string, change: (row: Row) => Row) => {
      const row = (this.s.get.get(labId) as Row | undefined) ?? { first_opened_at: null, last_opened_at: null, last_active_at: null, active_ms: 0, environment: null };
      const next = change(row);
      this.s.upsert.run({ labId, firstOpenedAt: next.first_opened_at, lastOpenedAt: next.last_opened_at, lastActiveAt: next.last_active_at, activeMs: next.active_ms, environment: next.environment });
    });
  }

  /** A notebook of the lab was opened: it is the lab's last opening, and an action. */
  opened(labId: string, at = Date.now()): void {
    this.tx(labId, (row) => ({ ...credit(row, at, 0), first_opened_at: row.first_opened_at ?? at, last_opened_at: at }));
  }

  /** An action in the lab's notebooks at `at`; `busyMs` is how long it ran when it was a cell run that just ended. */
  touched(labId: string, at = Date.now(), busyMs = 0): void {
    this.tx(labId, (row) => credit(row, at, busyMs));
  }

  get(labId: string): LabActivity {
    const row = this.s.get.get(labId) as Row | undefined;
    return { firstOpenedAt: row?.first_opened_at ?? null, lastOpenedAt: row?.last_opened_at ?? null, lastActiveAt: row?.last_active_at ?? null, activeMs: row?.active_ms ?? 0 };
  }

  /** Updates where the lab's cells run: given fields replace the recorded ones, seeds are added by name. */
  recordEnvironment(labId: string, env: LabEnvironment): void {
    this.tx(labId, (row) => {
      const old = parseEnvironment(row.environment);
      const next: LabEnvironment = { ...old, ...env, seeds: { ...old.seeds, ...env.seeds } };
      return { ...row, environment: JSON.stringify(next) };
    });
  }

  environment(labId: string): LabEnvironment {
    return parseEnvironment((this.s.get.get(labId) as Row | undefined)?.environment ?? null);
  }
}

function credit(row: Row, at: number, busyMs: number): Row {
  const last = row.last_active_at;
  if (last === null) return { ...row, last_active_at: at, active_ms: row.active_ms + Math.max(0, busyMs) };
  const gap = at - last;
  if (gap < 0) return row; // the clock went back, or events crossed: count nothing, keep the later time
  const added = gap <= IDLE_GAP_MS ? gap : Math.min(gap, Math.max(0, busyMs));
  return { ...row, last_active_at: at, active_ms: row.active_ms + added };
}

function parseEnvironment(text: string | null): LabEnvironment {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as LabEnvironment) : {};
  } catch {
    return {}; // a damaged record costs the hand-in its environment, never the lab
  }
}
