/**
 * What measuring costs a cell: one start + stop of an energy span, with the CPU estimate only
 * and with RAPL counters (a two-package powercap layout on the local disk, read like sysfs).
 * Either is what every cell pays for being measured.
 */
import { performance } from 'node:perf_hooks';
import { EnergyMeter } from '../../kernels/energy';
import { writePowercap } from '../kernels/energy/powercap-fixture';
import { quantile, report } from './report';

async function timeSpans(meter: EnergyMeter, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await meter.start().stop();
    if (i >= n / 10) times.push((performance.now() - t0) * 1000);
  }
  return times;
}

const estimate = await EnergyMeter.create({ powercapRoot: null, nvidiaSmi: null });
const est = await timeSpans(estimate, 5000);
estimate.dispose();

const pc = writePowercap('powercap-server');
const rapl = await EnergyMeter.create({ powercapRoot: pc.root, nvidiaSmi: null });
const measured = await timeSpans(rapl, 5000);
rapl.dispose();
pc.dispose();

report('energy.span_estimate.median_us', quantile(est, 0.5), 'us');
report('energy.span_estimate.p99_us', quantile(est, 0.99), 'us');
report('energy.span_rapl_2pkg.median_us', quantile(measured, 0.5), 'us');
report('energy.span_rapl_2pkg.p99_us', quantile(measured, 0.99), 'us');
