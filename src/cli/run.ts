import { JobsAgent } from '../agent.js';
import { loadConfigFile } from '../config/file.js';
import { createJsonLogger, type LogLevel } from '../logger.js';
import { EXIT_OK } from './exit.js';
import { pipeEventsAsNdjson } from './ndjson.js';

export interface RunCommandOptions {
  readonly configPath: string;
  readonly logLevel: LogLevel;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  readonly stopSignal: Promise<string>;
}

/**
 * `iot-jobs-agent run --config FILE`: events as NDJSON on stdout, logs on stderr, a graceful stop
 * on SIGINT/SIGTERM. Throws ConfigError (exit 2) before connecting when the config is bad.
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { raw } = loadConfigFile(options.configPath);
  const logger = createJsonLogger(options.stderr, options.logLevel);
  const agent = new JobsAgent(raw, { logger });
  pipeEventsAsNdjson(agent, options.stdout);
  logger.info({ thingName: agent.thingName }, 'starting');
  await agent.start();
  logger.info({ thingName: agent.thingName }, 'running; SIGINT or SIGTERM stops');
  const signal = await options.stopSignal;
  logger.info({ signal }, 'stopping');
  await agent.stop();
  logger.info({}, 'stopped');
  return EXIT_OK;
}
