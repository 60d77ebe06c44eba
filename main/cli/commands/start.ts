import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../paths';
import type { Command } from '../command';

/** `mlsys-lab start` is `npm start`: Electron when installed, else browser mode. */
export const startCommand: Command = {
  name: 'start',
  summary: 'Open the app (Electron when installed, else browser mode)',
  usage: 'Usage: mlsys-lab start [--browser] [--port N] [--host ADDRESS] [--no-open] [--workspace DIR]',
  run(argv) {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(projectRoot(), 'scripts', 'start.js'), ...argv], { stdio: 'inherit' });
      child.on('exit', (code) => resolve(code ?? 1));
    });
  },
};
