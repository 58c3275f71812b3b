/** The part of the AWS IoT Device SDK v1 (untyped) that the bench's sdk-v1 receiver uses. */
declare module 'aws-iot-device-sdk' {
  interface JobsOptions {
    readonly host: string;
    readonly port: number;
    readonly protocol: 'mqtts';
    readonly clientId: string;
    readonly caPath: string;
    readonly certPath: string;
    readonly keyPath: string;
    readonly keepalive: number;
  }
  interface Job {
    readonly id: string;
    readonly operation: string | undefined;
    readonly status: { readonly status: string; readonly statusDetails?: Record<string, string> };
  }
  interface JobsClient {
    once(event: 'connect', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    subscribeToJobs(
      thingName: string,
      operationName: string,
      callback: (error: Error | null, job: Job) => void,
    ): void;
    subscribe(topic: string, options: { readonly qos: 0 | 1 }, callback: (error: Error | null) => void): void;
    end(force?: boolean): void;
  }
  const sdk: { jobs(options: JobsOptions): JobsClient };
  export default sdk;
}
