/**
 * The bench's fallback broker when mosquitto is not installed: aedes behind mutual TLS, in its own
 * process so its CPU is not counted against any subject. Reports `{ port }` over IPC.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { Aedes } from 'aedes';

const { certsDir } = JSON.parse(process.argv[2] ?? '{}') as { certsDir: string };
const aedes = await Aedes.createBroker({ maxClientsIdLength: 128 });
aedes.on('clientError', () => undefined);
aedes.on('connectionError', () => undefined);
const server = createServer(
  {
    key: readFileSync(join(certsDir, 'server.key')),
    cert: readFileSync(join(certsDir, 'server.pem')),
    ca: readFileSync(join(certsDir, 'ca.pem')),
    requestCert: true,
    rejectUnauthorized: true,
  },
  (socket) => {
    aedes.handle(socket);
  },
);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('message', () => {
  server.close();
  aedes.close(() => process.exit(0));
});
