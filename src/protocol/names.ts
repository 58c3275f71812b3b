/**
 * Names become MQTT topic segments and HTTP path segments, so they are checked before use.
 * Patterns are those of the AWS service models (botocore `iot`, `iot-jobs-data`).
 */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const NAMESPACE_ID = /^[a-zA-Z0-9_-]+$/;

/** The describe pseudo job id for "the next pending execution". */
export const NEXT_JOB_ID = '$next';

/** Returns a reason when `value` is not a valid thing name, else undefined. */
export function thingNameProblem(value: string): string | undefined {
  return THING_NAME.test(value) ? undefined : 'must be 1-128 characters of letters, digits, ":", "_" or "-"';
}

/** Returns a reason when `value` is not a valid job id, else undefined. */
export function jobIdProblem(value: string): string | undefined {
  return isJobId(value) ? undefined : 'must be 1-64 characters of letters, digits, "_" or "-"';
}

/** Returns a reason when `value` is not a valid namespace id, else undefined. */
export function namespaceIdProblem(value: string): string | undefined {
  return NAMESPACE_ID.test(value) ? undefined : 'must be one or more letters, digits, "_" or "-"';
}

export function isThingName(value: string): boolean {
  return thingNameProblem(value) === undefined;
}

/**
 * The service model's job id pattern, `[a-zA-Z0-9_-]{1,64}`, spelled out as a loop: every entry
 * of every notification is checked, and on ids this short the loop costs a fraction of a regular
 * expression test.
 */
export function isJobId(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 0x61 && c <= 0x7a) || // a-z
      (c >= 0x41 && c <= 0x5a) || // A-Z
      (c >= 0x30 && c <= 0x39) || // 0-9
      c === 0x5f || // _
      c === 0x2d; // -
    if (!ok) return false;
  }
  return true;
}

export function isNamespaceId(value: string): boolean {
  return namespaceIdProblem(value) === undefined;
}
