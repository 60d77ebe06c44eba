/**
 * Browser mode: `npm start` runs this when the Electron binary is not installed. It serves the UI
 * and the API on loopback and opens them in a Chromium `--app` window, or prints the URL.
 *
 *   node out/main/web.js [--port N] [--host ADDRESS] [--no-open] [--workspace DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinLabsDir, defaultWorkspaceDir, rendererDir } from '../paths';
import { createWorkspace } from '../workspace';
import { findChromium } from './find-browser';
import { isLoopbackAddress } from './security';
import { startWebServer } from './server';

const USAGE = 'Usage: mlsys-lab [--port N] [--host ADDRESS] [--no-open] [--workspace DIR]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'no-open': { type: 'boolean' },
        workspace: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number from 0 to 65535, got ${JSON.stringify(values.port)}\n${USAGE}`);
    process.exit(2);
  }
  const host = values.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    console.error(`Warning: serving on ${host}, which is not loopback, because --host asked for it. Anyone who can reach it and has the token can run code as you.`);
  }

  const workspaceDir = values.workspace ?? defaultWorkspaceDir();
  const workspace = createWorkspace({ workspaceDir, labsDir: builtinLabsDir(), mode: 'browser' });
  const server = await startWebServer({ dispatcher: workspace.dispatcher, rendererDir: rendererDir(), port, host });

  console.log(`mlsys-lab is running in browser mode at ${server.urlWithToken}`);

  let browser: ChildProcess | undefined;
  if (!values['no-open']) {
    const exe = findChromium();
    if (exe) {
      browser = spawn(
        exe,
        [
          `--app=${server.urlWithToken}`,
          `--user-data-dir=${join(workspaceDir, 'browser-profile')}`,
          '--no-first-run',
          '--no-default-browser-check',
          '--disable-background-networking',
          '--disable-component-update',
        ],
        { stdio: 'ignore' },
      );
      browser.on('error', (err) => console.error(`Could not open ${exe}: ${err.message}. Open the URL above yourself.`));
      console.log(`Opened the UI in ${exe}. Close it or press Ctrl+C to stop.`);
    } else {
      console.log('No Chromium or Chrome found; open the URL above in your browser. Press Ctrl+C to stop.');
    }
  }

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Stopping (${why})…`);
    browser?.kill();
    await server.close();
    await workspace.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  browser?.on('exit', () => void stop('the window was closed'));
}

main().catch((err) => {
  console.error(`mlsys-lab could not start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
