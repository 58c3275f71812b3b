#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { LogLevel } from '../logger.js';
import { CliExit, EXIT_USAGE, exitFor } from './exit.js';

const USAGE = `usage:
  iot-jobs-agent run --config FILE [--log-level debug|info|warn|error]
  iot-jobs-agent list --config FILE [--status S] [--job-id J] [--max-results N] [--namespace-id NS]
  iot-jobs-agent simulator [--state-dir DIR] [--mqtt-port N] [--http-port N] [--thing NAME]
  iot-jobs-agent demo [--once]
`;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const writeStdout = (line: string): void => {
  process.stdout.write(line);
};
const writeStderr = (line: string): void => {
  process.stderr.write(line);
};

/** Resolves with the name of the first SIGINT/SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function requireConfig(value: string | undefined): string {
  if (value === undefined) throw new CliExit(EXIT_USAGE, `--config FILE is required\n${USAGE}`);
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      config: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      status: { type: 'string' },
      'job-id': { type: 'string' },
      'max-results': { type: 'string' },
      'namespace-id': { type: 'string' },
      'state-dir': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'http-port': { type: 'string' },
      thing: { type: 'string', multiple: true },
      once: { type: 'boolean', default: false },
    },
  });
  const logLevel = values['log-level'];
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new CliExit(EXIT_USAGE, `--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  // Each command loads its own modules: `run` on a device never loads the simulator (aedes) or,
  // unless it reconciles, the HTTP client.
  switch (command) {
    case 'run': {
      const { runCommand } = await import('./run.js');
      return runCommand({
        configPath: requireConfig(values.config),
        logLevel: logLevel as LogLevel,
        stdout: writeStdout,
        stderr: writeStderr,
        stopSignal: stopSignal(),
      });
    }
    case 'list': {
      const { listCommand } = await import('./list.js');
      return listCommand({
        configPath: requireConfig(values.config),
        status: values.status,
        jobId: values['job-id'],
        maxResults: values['max-results'],
        namespaceId: values['namespace-id'],
        stdout: writeStdout,
      });
    }
    case 'simulator': {
      const { simulatorCommand } = await import('./simulator-command.js');
      return simulatorCommand({
        stateDir: values['state-dir'],
        mqttPort: values['mqtt-port'],
        httpPort: values['http-port'],
        things: values.thing ?? [],
        stdout: writeStdout,
        stderr: writeStderr,
        stopSignal: stopSignal(),
      });
    }
    case 'demo': {
      const { demoCommand } = await import('./demo.js');
      return demoCommand({
        once: values.once,
        stateDir: values['state-dir'] ?? '.state/demo',
        pretty: process.stdout.isTTY,
        stdout: writeStdout,
        stderr: writeStderr,
        stopSignal: stopSignal(),
        stepDelayMs: process.stdout.isTTY ? 900 : 50,
      });
    }
    case undefined:
    case 'help':
    case '--help':
      writeStdout(USAGE);
      return command === undefined ? EXIT_USAGE : 0;
    default:
      throw new CliExit(EXIT_USAGE, `unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { code, message } =
      error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
        ? { code: EXIT_USAGE, message: `${error.message}\n${USAGE}` }
        : exitFor(error);
    writeStderr(`iot-jobs-agent: ${message}\n`);
    process.exitCode = code;
  },
);
