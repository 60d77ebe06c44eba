/**
 * The energy meter of a kernel process. CPU energy is measured from RAPL package counters where
 * they can be read and otherwise estimated from this process's CPU time; GPU energy is measured
 * from nvidia-smi's power samples where an NVIDIA GPU reports power, and left out otherwise (the
 * report then has no GPU component and says nothing about the GPU). Spans may overlap and nest:
 * each is the difference of two readings of cumulative counters.
 */
import { performance } from 'node:perf_hooks';
import { carbonOf, estimatedEnergy, formatReport, formatShort, measuredEnergy, totalOf } from './figure';
import { checkGridIntensity, DEFAULT_GRID_INTENSITY } from './carbon';
import { cpuPower, type CpuPower } from './cpu-power';
import { NvidiaPowerSampler, probeGpus } from './nvidia-smi';
import { DEFAULT_POWERCAP_ROOT, RaplCounter, type PowercapFs } from './rapl';
import type { ComponentEnergy, EnergyReport, EnergySourcesStatus } from './types';

export interface EnergySettings {
  /** g CO2e per kWh (setting energy.gridIntensity). */
  gridIntensity: number;
  /** W per busy core for the estimate, null for the table (setting energy.cpuWattsPerCore). */
  cpuWattsPerCore: number | null;
}

export interface EnergyMeterOptions {
  settings?: Partial<EnergySettings>;
  /** powercap root; default $MLSYS_LAB_POWERCAP_ROOT or /sys/class/powercap. null skips RAPL. */
  powercapRoot?: string | null;
  powercapFs?: PowercapFs;
  /** nvidia-smi executable; default $MLSYS_LAB_NVIDIA_SMI or "nvidia-smi" on PATH. null skips the GPU. */
  nvidiaSmi?: string | null;
  /** How often nvidia-smi samples power. */
  gpuIntervalMs?: number;
  /** Process CPU time, default process.cpuUsage. */
  cpuUsage?: () => { user: number; system: number };
  /** CPU model name for the estimate table, default os.cpus()[0].model. */
  cpuModel?: string;
  /** How often RAPL counters are read between spans, so wrap-arounds are seen. */
  raplPollMs?: number;
}

interface Reading {
  wallMs: number;
  hrMs: number;
  cpuUs: number;
  /** Cumulative RAPL joules, or why they could not be read. */
  rapl: { joules: number } | { error: string } | null;
  /** Whether GPU power was being sampled. */
  gpu: boolean;
}

export class EnergySpan {
  private stopped: Promise<EnergyReport> | undefined;

  constructor(
    private readonly meter: EnergyMeter,
    readonly start: Reading,
  ) {}

  /** Ends the span; calling it again returns the same report. */
  stop(): Promise<EnergyReport> {
    this.stopped ??= this.meter.finish(this);
    return this.stopped;
  }
}

export class EnergyMeter {
  private settings: EnergySettings;
  private power: CpuPower;
  private readonly open = new Set<EnergySpan>();
  private raplTimer: NodeJS.Timeout | undefined;
  private raplFailure: string | undefined;
  private gpu: NvidiaPowerSampler | undefined;
  private gpuUnavailable: string | undefined = 'nvidia-smi is still being probed';
  private disposed = false;
  /** Settles once nvidia-smi has been probed and, where a GPU reports power, sampling runs. */
  readonly gpuReady: Promise<void>;

  private constructor(
    private readonly rapl: RaplCounter | undefined,
    private readonly raplUnavailable: string | undefined,
    private readonly options: EnergyMeterOptions,
  ) {
    this.gpuReady = this.attachGpu();
    this.settings = { gridIntensity: DEFAULT_GRID_INTENSITY, cpuWattsPerCore: null };
    this.power = cpuPower({ model: options.cpuModel });
    this.configure(options.settings ?? {});
    if (rapl) {
      const every = Math.max(200, Math.min(options.raplPollMs ?? 5000, rapl.wrapPeriodMs / 4));
      this.raplTimer = setInterval(() => this.pollRapl(), every);
      this.raplTimer.unref();
    }
  }

  /**
   * Finds what can be measured here. RAPL is checked at once; nvidia-smi is probed in the
   * background (it can take a second, or hang with a wedged driver), so a kernel starts without
   * waiting for it: spans started before the GPU sampler runs have no GPU figure. Await
   * `gpuReady` to be sure the probe is done, or pass `waitForGpu` to wait for the first samples.
   */
  static async create(options: EnergyMeterOptions & { waitForGpu?: boolean } = {}): Promise<EnergyMeter> {
    const meter = EnergyMeter.open(options);
    if (options.waitForGpu) await meter.gpuSampling();
    return meter;
  }

  /** Like `create`, synchronously: the GPU probe runs in the background (see `gpuReady`). */
  static open(options: EnergyMeterOptions = {}): EnergyMeter {
    const root = options.powercapRoot === undefined ? (process.env.MLSYS_LAB_POWERCAP_ROOT ?? DEFAULT_POWERCAP_ROOT) : options.powercapRoot;
    let rapl: RaplCounter | undefined;
    let raplUnavailable: string | undefined;
    if (root === null) raplUnavailable = 'RAPL not used (turned off)';
    else {
      const opened = RaplCounter.open({ root, fs: options.powercapFs });
      if (opened.ok) rapl = opened.counter;
      else raplUnavailable = opened.reason;
    }
    return new EnergyMeter(rapl, raplUnavailable, options);
  }

  /** Settles once the probe is done and, where a GPU is sampled, its first samples have arrived (or `timeoutMs` passed). */
  async gpuSampling(timeoutMs = 10_000): Promise<void> {
    await this.gpuReady;
    await this.gpu?.whenCovered(Date.now(), timeoutMs);
  }

  private async attachGpu(): Promise<void> {
    const fallback = process.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi';
    const exe = this.options.nvidiaSmi === undefined ? (process.env.MLSYS_LAB_NVIDIA_SMI ?? fallback) : this.options.nvidiaSmi;
    if (exe === null) {
      this.gpuUnavailable = 'GPU not measured (turned off)';
      return;
    }
    const probe = await probeGpus(exe);
    if (!probe.ok) {
      this.gpuUnavailable = probe.reason;
      return;
    }
    const withPower = probe.gpus.filter((g) => g.watts !== null);
    const silent = probe.gpus.filter((g) => g.watts === null).map((g) => `GPU ${g.index} ${g.name} reports no power`);
    if (withPower.length === 0) this.gpuUnavailable = silent.join('; ');
    else if (this.disposed) this.gpuUnavailable = 'meter disposed';
    else {
      this.gpu = new NvidiaPowerSampler(exe, withPower, this.options.gpuIntervalMs ?? 500);
      this.gpuUnavailable = undefined;
    }
  }

  /** Applies settings from the workspace (the kernel passes them in at start and on change). */
  configure(settings: Partial<EnergySettings>): void {
    const next = { ...this.settings, ...settings };
    checkGridIntensity(next.gridIntensity);
    this.power = cpuPower({ model: this.options.cpuModel, setting: next.cpuWattsPerCore });
    this.settings = next;
  }

  get gridIntensity(): number {
    return this.settings.gridIntensity;
  }

  status(): EnergySourcesStatus {
    const cpu: EnergySourcesStatus['cpu'] =
      this.rapl && !this.raplFailure
        ? { source: 'measured', method: this.rapl.describe() }
        : {
            source: 'estimated',
            method: `process CPU time × ${this.power.basis}`,
            reason: this.raplFailure ?? this.raplUnavailable,
          };
    const gpu: EnergySourcesStatus['gpu'] =
      this.gpu && !this.gpu.stopped
        ? { source: 'measured', method: this.gpu.describe() }
        : { source: 'none', method: 'not measured', reason: this.gpu?.stopped ?? this.gpuUnavailable };
    return { cpu, gpu };
  }

  private pollRapl(): { joules: number } | { error: string } | null {
    if (!this.rapl) return null;
    if (this.raplFailure) return { error: this.raplFailure };
    try {
      return { joules: this.rapl.poll() };
    } catch (err) {
      // A counter that stops being readable stays unused: a later read could not be trusted to
      // continue the same sum.
      this.raplFailure = (err as Error).message;
      clearInterval(this.raplTimer);
      return { error: this.raplFailure };
    }
  }

  private read(): Reading {
    const usage = (this.options.cpuUsage ?? process.cpuUsage)();
    return { wallMs: Date.now(), hrMs: performance.now(), cpuUs: usage.user + usage.system, rapl: this.pollRapl(), gpu: this.gpu !== undefined };
  }

  start(): EnergySpan {
    const span = new EnergySpan(this, this.read());
    this.open.add(span);
    this.pinGpuSamples();
    return span;
  }

  /** Runs `fn` (sync or async) inside a span; the report is produced even when `fn` throws. */
  async measure<T>(fn: () => T | Promise<T>): Promise<{ result: T; report: EnergyReport }> {
    const span = this.start();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await span.stop();
      throw err;
    }
    return { result, report: await span.stop() };
  }

  /** @internal Called by EnergySpan.stop. */
  async finish(span: EnergySpan): Promise<EnergyReport> {
    const end = this.read();
    this.open.delete(span);
    const start = span.start;
    const wallSeconds = Math.max(0, (end.hrMs - start.hrMs) / 1000);
    const cpuSeconds = Math.max(0, (end.cpuUs - start.cpuUs) / 1e6);
    const components: ComponentEnergy[] = [this.cpuComponent(start, end, cpuSeconds)];
    if (this.gpu && start.gpu) {
      await this.settleGpu(end.wallMs);
      const g = this.gpu.energyBetween(start.wallMs, end.wallMs);
      // no sample at all yet (sampling just started): the GPU is left out rather than shown as 0 J
      if (g.gpusCounted > 0) components.push(measuredEnergy('gpu', g.joules, `${this.gpu.describe()}, ${g.samples} samples`, { warnings: g.warnings }));
      this.pinGpuSamples();
    }
    const energy = totalOf(components);
    const carbon = carbonOf(energy, this.settings.gridIntensity);
    const report = { startedAt: start.wallMs, endedAt: end.wallMs, wallSeconds, cpuSeconds, components, energy, carbon };
    return { ...report, text: formatReport(report), short: formatShort(report) };
  }

  /**
   * Lets samples that queued in the pipe (while a synchronous cell blocked the event loop) be
   * read: one turn of the event loop reads them. Only if they are still stale, as when
   * nvidia-smi itself fell behind, wait up to two intervals for a sample past the end; otherwise
   * the last sample's power is extrapolated over the rest, which costs no latency per cell.
   */
  private async settleGpu(endMs: number): Promise<void> {
    const gpu = this.gpu!;
    await new Promise((resolve) => setImmediate(resolve));
    if (endMs - gpu.lastSampleTime > 1.5 * gpu.intervalMs) await gpu.whenCovered(endMs, 2 * gpu.intervalMs);
  }

  private pinGpuSamples(): void {
    if (this.gpu) this.gpu.pinnedFrom = this.open.size ? Math.min(...[...this.open].map((s) => s.start.wallMs)) : undefined;
  }

  private cpuComponent(start: Reading, end: Reading, cpuSeconds: number): ComponentEnergy {
    if (this.rapl && start.rapl && end.rapl && 'joules' in start.rapl && 'joules' in end.rapl) {
      return measuredEnergy('cpu', Math.max(0, end.rapl.joules - start.rapl.joules), this.rapl.describe(), {
        warnings: this.rapl.warningsBetween(start.wallMs, end.wallMs),
      });
    }
    const warnings: string[] = [];
    const failure = (end.rapl && 'error' in end.rapl && end.rapl.error) || (start.rapl && 'error' in start.rapl && start.rapl.error);
    if (failure) warnings.push(`RAPL could not be read (${failure}); estimated instead`);
    return estimatedEnergy('cpu', cpuSeconds * this.power.wattsPerCore, `process CPU time ${cpuSeconds.toFixed(3)} s × ${this.power.wattsPerCore} W`, this.power.basis, {
      warnings,
    });
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.raplTimer);
    this.gpu?.dispose();
  }
}
