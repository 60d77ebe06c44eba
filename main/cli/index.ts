/**
 * The `mlsys-lab` command line: `mlsys-lab <command> [args]`. Each command is a module in
 * main/cli/commands/ registered below.
 */
import type { Command } from './command';
import { UsageError } from './command';
import { startCommand } from './commands/start';
import { packCommand } from './commands/pack';
import { openCommand } from './commands/open';
import { dataCommand } from './commands/data';
import { runCommand } from './commands/run';

const commands: Command[] = [startCommand, openCommand, runCommand, packCommand, dataCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['Usage: mlsys-lab <command> [options]', '', 'Commands:', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'mlsys-lab <command> --help shows the options of one command.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`mlsys-lab ${name}: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
