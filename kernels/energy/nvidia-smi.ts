/**
 * GPU energy from NVIDIA's nvidia-smi: board power (power.draw, W) sampled by nvidia-smi itself
 * in loop mode (`-lms N`) and integrated over time with the trapezoid rule. Each sample carries
 * nvidia-smi's own timestamp, so samples that queue up in the pipe while a synchronous cell
 * blocks the kernel's event loop are still integrated at the times they were taken.
 *
 * nvidia-smi has no query field for NVML's energy counter (nvmlDeviceGetTotalEnergyConsumption),
 * so power is sampled. On recent GPUs power.draw is itself an average over about a second, which
 * makes sub-second cells coarse; the figure covers the whole board and every process on it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface GpuInfo {
  index: number;
  name: string;
  /** null when the board does not report power ("[N/A]", "[Not Supported]"). */
  watts: number | null;
}

export type GpuProbe = { ok: true; gpus: GpuInfo[] } | { ok: false; reason: string };

/** "75.32 W" or "75.32" -> 75.32; "[N/A]", "[Not Supported]", "N/A" -> null. */
export function parseWatts(cell: string): number | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*W?\s*$/i.exec(cell);
  if (!m) return null;
  const w = Number(m[1]);
  return Number.isFinite(w) && w >= 0 ? w : null;
}

/** nvidia-smi's timestamp, "2024/01/15 10:23:45.123" in local time, as epoch ms; NaN when malformed. */
export function parseTimestamp(cell: string): number {
  const m = /^\s*(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\s*$/.exec(cell);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, ms = '0'] = m;
  return new Date(+y, +mo - 1, +d, +h, +mi, +s, Number(ms.padEnd(3, '0'))).getTime();
}

/** Splits CSV output into rows of trimmed cells, dropping blank lines and header lines. */
export function csvRows(text: string, firstField: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((c) => c.trim()))
    .filter((cells) => !cells[0].startsWith(firstField));
}

function spawnError(exe: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return `${exe} not found (no NVIDIA driver installed, or nvidia-smi is not on PATH)`;
  if (err.code === 'EACCES') return `${exe} cannot be run (EACCES)`;
  return `${exe} failed: ${err.message.split('\n')[0]}`;
}

/** One call of `nvidia-smi --query-gpu=index,name,power.draw --format=csv`: which GPUs report power. */
export function probeGpus(exe: string, options: { timeoutMs?: number } = {}): Promise<GpuProbe> {
  return new Promise((resolve) => {
    execFile(
      exe,
      ['--query-gpu=index,name,power.draw', '--format=csv'],
      { timeout: options.timeoutMs ?? 10_000, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: string | number };
          if (typeof e.code === 'string') return resolve({ ok: false, reason: spawnError(exe, e) });
          // nvidia-smi reports a missing driver or a bad field on stdout and exits non-zero.
          const said = `${stdout}\n${stderr}`.trim().split('\n')[0] || `exit code ${e.code}`;
          return resolve({ ok: false, reason: `${exe} failed: ${said}` });
        }
        const gpus: GpuInfo[] = [];
        for (const cells of csvRows(stdout, 'index')) {
          const index = Number(cells[0]);
          if (cells.length < 3 || !Number.isInteger(index)) {
            return resolve({ ok: false, reason: `${exe} printed a line that is not "index, name, power.draw": ${cells.join(', ')}` });
          }
          gpus.push({ index, name: cells.slice(1, -1).join(','), watts: parseWatts(cells[cells.length - 1]) });
        }
        if (gpus.length === 0) return resolve({ ok: false, reason: `${exe} lists no GPU` });
        resolve({ ok: true, gpus });
      },
    );
  });
}

/**
 * Cumulative energy of one GPU from its power samples: trapezoids between samples, and within a
 * segment the exact integral of the linearly interpolated power.
 */
export class PowerTrack {
  times: number[] = [];
  joules: number[] = [];
  watts: number[] = [];
  /** Stretches without samples much longer than the interval, [from, to] in ms. */
  gaps: [number, number][] = [];

  /** @param gapMs a pause between samples longer than this is recorded as a gap */
  constructor(private readonly gapMs = Infinity) {}

  add(timeMs: number, watts: number): void {
    const n = this.times.length;
    if (n > 0 && timeMs <= this.times[n - 1]) return; // nvidia-smi timestamps have ms resolution; skip repeats
    if (n > 0 && timeMs - this.times[n - 1] > this.gapMs) this.gaps.push([this.times[n - 1], timeMs]);
    const cumulative = n === 0 ? 0 : this.joules[n - 1] + ((watts + this.watts[n - 1]) / 2) * ((timeMs - this.times[n - 1]) / 1000);
    this.times.push(timeMs);
    this.joules.push(cumulative);
    this.watts.push(watts);
  }

  /** Cumulative joules at `timeMs`, extrapolating the nearest sample's power outside the samples. */
  at(timeMs: number): { joules: number; extrapolatedMs: number } | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    if (timeMs <= this.times[0]) {
      return { joules: this.joules[0] - this.watts[0] * ((this.times[0] - timeMs) / 1000), extrapolatedMs: this.times[0] - timeMs };
    }
    if (timeMs >= this.times[n - 1]) {
      return { joules: this.joules[n - 1] + this.watts[n - 1] * ((timeMs - this.times[n - 1]) / 1000), extrapolatedMs: timeMs - this.times[n - 1] };
    }
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= timeMs) lo = mid;
      else hi = mid;
    }
    const seconds = (this.times[hi] - this.times[lo]) / 1000;
    const f = (timeMs - this.times[lo]) / (this.times[hi] - this.times[lo]);
    const w0 = this.watts[lo];
    const joules = this.joules[lo] + seconds * (w0 * f + ((this.watts[hi] - w0) * f * f) / 2);
    return { joules, extrapolatedMs: 0 };
  }

  samplesBetween(fromMs: number, toMs: number): number {
    return this.times.filter((t) => t >= fromMs && t <= toMs).length;
  }

  /** Drops samples before `timeMs`, keeping one before it so `at(timeMs)` still interpolates. */
  trimBefore(timeMs: number): void {
    let k = 0;
    while (k + 1 < this.times.length && this.times[k + 1] <= timeMs) k++;
    if (k > 0) {
      this.times.splice(0, k);
      this.joules.splice(0, k);
      this.watts.splice(0, k);
      this.gaps = this.gaps.filter(([, to]) => to > timeMs);
    }
  }

  get lastTime(): number {
    return this.times.length ? this.times[this.times.length - 1] : -Infinity;
  }
}

export interface GpuEnergy {
  joules: number;
  /** How many GPUs had samples to integrate; 0 means nothing is known yet. */
  gpusCounted: number;
  samples: number;
  warnings: string[];
}

/**
 * A running `nvidia-smi --query-gpu=timestamp,index,power.draw --format=csv,noheader -lms N`
 * whose samples are integrated per GPU. Only GPUs that reported power when probed are counted.
 */
export class NvidiaPowerSampler {
  private readonly child: ChildProcess;
  private readonly tracks = new Map<number, PowerTrack>();
  private buffered = '';
  private stderr = '';
  private stoppedReason: string | undefined;
  private disposed = false;
  private waiters = new Set<() => void>();
  private linesSinceTrim = 0;
  /** The start of the oldest span still open (ms since the epoch): samples from then on are kept. */
  pinnedFrom: number | undefined;

  constructor(
    readonly exe: string,
    readonly gpus: readonly GpuInfo[],
    readonly intervalMs: number,
  ) {
    for (const g of gpus) this.tracks.set(g.index, new PowerTrack(4 * intervalMs));
    this.child = spawn(exe, ['--query-gpu=timestamp,index,power.draw', '--format=csv,noheader', '-lms', String(intervalMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.take(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    this.child.on('error', (err) => this.stop(spawnError(exe, err as NodeJS.ErrnoException)));
    this.child.on('exit', (code, signal) => {
      if (!this.disposed) this.stop(`${exe} stopped (${signal ?? `exit code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n')[0]}` : ''}`);
    });
  }

  private stop(reason: string): void {
    this.stoppedReason ??= reason;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    for (const line of lines) {
      const cells = line.split(',').map((c) => c.trim());
      if (cells.length < 3 || cells[0].startsWith('timestamp')) continue;
      const time = parseTimestamp(cells[0]);
      const track = this.tracks.get(Number(cells[1]));
      const watts = parseWatts(cells[2]);
      if (track && Number.isFinite(time) && watts !== null) track.add(time, watts);
    }
    // Between cells nothing needs old samples: keep a minute, or back to the oldest open span.
    this.linesSinceTrim += lines.length;
    if (this.linesSinceTrim > 1000) {
      this.linesSinceTrim = 0;
      this.trimBefore(Math.min(this.pinnedFrom ?? Infinity, Date.now() - 60_000) - 5_000);
    }
    this.wake();
  }

  /** Why sampling stopped, if it did. */
  get stopped(): string | undefined {
    return this.stoppedReason;
  }

  describe(): string {
    const gpus = this.gpus.map((g) => `GPU ${g.index} ${g.name}`).join(' + ');
    return `nvidia-smi power.draw every ${this.intervalMs} ms, ${gpus}`;
  }

  /** The time of the oldest latest sample across GPUs (ms since the epoch). */
  get lastSampleTime(): number {
    return Math.min(...[...this.tracks.values()].map((t) => t.lastTime));
  }

  /** Resolves once every GPU has a sample at or after `timeMs`, sampling stopped, or `timeoutMs` passed. */
  whenCovered(timeMs: number, timeoutMs: number): Promise<void> {
    const covered = () => this.stoppedReason !== undefined || [...this.tracks.values()].every((t) => t.lastTime >= timeMs);
    if (covered()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (covered()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Energy of all sampled GPUs between two wall-clock times (ms since the epoch). */
  energyBetween(fromMs: number, toMs: number): GpuEnergy {
    let joules = 0;
    let samples = 0;
    let gpusCounted = 0;
    let extrapolatedMs = 0;
    let missingMs = 0;
    const warnings: string[] = [];
    for (const [index, track] of this.tracks) {
      const a = track.at(fromMs);
      const b = track.at(toMs);
      if (!a || !b) {
        warnings.push(`GPU ${index}: no power sample yet, not counted`);
        continue;
      }
      gpusCounted++;
      joules += Math.max(0, b.joules - a.joules);
      samples += track.samplesBetween(fromMs, toMs);
      for (const [a0, b0] of track.gaps) missingMs = Math.max(missingMs, Math.min(b0, toMs) - Math.max(a0, fromMs));
      extrapolatedMs = Math.max(extrapolatedMs, Math.min(a.extrapolatedMs, toMs - fromMs) + Math.min(b.extrapolatedMs, toMs - fromMs));
    }
    if (extrapolatedMs > 2 * this.intervalMs) {
      warnings.push(`${Math.round(extrapolatedMs)} ms of GPU power extrapolated from the nearest sample`);
    }
    if (missingMs > 0) {
      warnings.push(`GPU power samples were missing for ${(missingMs / 1000).toFixed(1)} s (nvidia-smi was held up); power interpolated across the gap`);
    }
    if (this.stoppedReason) warnings.push(this.stoppedReason);
    return { joules, gpusCounted, samples, warnings };
  }

  /** Forgets samples older than `timeMs` (the oldest span still open). */
  trimBefore(timeMs: number): void {
    for (const t of this.tracks.values()) t.trimBefore(timeMs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop('sampling disposed');
    this.child.kill();
  }
}
