/** Every CredentialsProvider the library ships, in one place for wiring and the public entry point. */
export {
  type CredentialsEnvironment,
  type StaticCredentialsInput,
  environmentCredentials,
  staticCredentials,
} from './basic-credentials.js';
export { type GreengrassCredentialsOptions, greengrassCredentials } from './greengrass-credentials.js';
export { type IotCredentialsProviderOptions, iotCredentialsProvider } from './iot-credentials-provider.js';
export { CachedCredentialsProvider, type CachedCredentialsOptions } from './cached-credentials.js';
