/**
 * Names become MQTT topic segments and HTTP path segments, so they are checked before use.
 * Patterns are those of the AWS service models (botocore `iot`, `iot-jobs-data`).
 */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const JOB_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const NAMESPACE_ID = /^[a-zA-Z0-9_-]+$/;

/** The describe pseudo job id for "the next pending execution". */
export const NEXT_JOB_ID = '$next';

/** Returns a reason when `value` is not a valid thing name, else undefined. */
export function thingNameProblem(value: string): string | undefined {
  return THING_NAME.test(value) ? undefined : 'must be 1-128 characters of letters, digits, ":", "_" or "-"';
}

/** Returns a reason when `value` is not a valid job id, else undefined. */
export function jobIdProblem(value: string): string | undefined {
  return JOB_ID.test(value) ? undefined : 'must be 1-64 characters of letters, digits, "_" or "-"';
}

/** Returns a reason when `value` is not a valid namespace id, else undefined. */
export function namespaceIdProblem(value: string): string | undefined {
  return NAMESPACE_ID.test(value) ? undefined : 'must be one or more letters, digits, "_" or "-"';
}

export function isThingName(value: string): boolean {
  return thingNameProblem(value) === undefined;
}

export function isJobId(value: string): boolean {
  return jobIdProblem(value) === undefined;
}

export function isNamespaceId(value: string): boolean {
  return namespaceIdProblem(value) === undefined;
}
