import { resolve } from 'node:path';
import { readResultsFolder, resultsToCsv } from '../../packs/results';
import { writeFileAtomic } from '../../util/atomic-write';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

export const packResults: PackSubcommand = {
  name: 'results',
  usage: 'results DIR [--csv FILE]',
  summary: "Read a folder of attendees' .labsub hand-ins into a results table (per attendee and check, most-failed checks); --csv writes it",
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { csv: { type: 'string' } }, { min: 1, max: 1 });
    const table = await readResultsFolder(resolve(positionals[0]));
    for (const p of table.problems) console.error(`skipped ${p.file}: ${p.message}`);
    if (table.rows.length === 0) {
      console.error(`No readable .labsub files in ${positionals[0]}.`);
      return 1;
    }
    const width = Math.min(30, Math.max(8, ...table.rows.map((r) => r.attendee.length)));
    console.log(`${'attendee'.padEnd(width)}  passed  pack`);
    for (const r of table.rows) console.log(`${r.attendee.slice(0, width).padEnd(width)}  ${`${r.passed}/${r.total}`.padStart(6)}  ${r.packId} ${r.packVersion}`);
    const failing = table.mostFailed.filter((c) => c.failed + c.missing > 0).slice(0, 5);
    if (failing.length) {
      console.log('\nmost often not passed:');
      for (const c of failing) console.log(`  ${c.checkId}: failed by ${c.failed}, not run by ${c.missing}, of ${c.of}`);
    }
    if (values.csv) {
      await writeFileAtomic(resolve(values.csv), resultsToCsv(table));
      console.log(`\nWrote ${values.csv} (${table.rows.length} rows).`);
    }
    return 0;
  },
};
