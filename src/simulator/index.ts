/**
 * `iot-jobs-agent/simulator`: a local AWS IoT Jobs service (mutual-TLS MQTT broker plus the HTTP
 * API) for developing and testing firmware without AWS. A separate entry point, so devices that
 * only run the agent never load the broker.
 */
export { DEFAULT_REGION, DEFAULT_THING_NAME, startSimulator } from './simulator.js';
export type { Simulator, SimulatorCertificatePaths, SimulatorOptions } from './simulator.js';
export type { DeviceCertificatePaths, SimulatorAdmin, SimulatorStateSnapshot } from './admin-api.js';
export type { FaultPlan } from './faults.js';
export type { SimulatorCredentials } from './sigv4-verifier.js';
export type { CreateJobInput } from './job-input.js';
export type { JobsStateSettings } from './jobs-store.js';
export { SimulatorError } from './simulator-error.js';
