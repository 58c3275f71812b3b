import { isPlainObject } from '../protocol/schemas.js';
import type { JobDocument } from '../protocol/types.js';
import { boundedMessage, errorReason } from './outcome.js';
import type { DocumentValidator, JobDocumentObject, StandardSchemaLike } from './types.js';

/** The job document as an object (HTTP listings carry it as a JSON string); undefined if neither. */
export function documentObject(document: JobDocument | undefined): JobDocumentObject | undefined {
  if (document === undefined) return undefined;
  if (typeof document !== 'string') return document;
  try {
    const parsed: unknown = JSON.parse(document);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The document's `operation`, which routes the job to a handler. */
export function operationOf(document: JobDocumentObject | undefined): string | undefined {
  const operation = document?.['operation'];
  return typeof operation === 'string' && operation !== '' ? operation : undefined;
}

export type Validation<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

function isStandardSchema<T>(validator: DocumentValidator<T>): validator is StandardSchemaLike<T> {
  return typeof validator === 'object' && '~standard' in validator;
}

/**
 * Runs a handler's document validator: a Standard Schema (zod, valibot, arktype) or a function
 * that returns the typed document and throws for an invalid one. The reason names the failing
 * paths, bounded for statusDetails.
 */
export async function validateDocument<T>(
  validator: DocumentValidator<T> | undefined,
  document: JobDocumentObject,
): Promise<Validation<T>> {
  if (validator === undefined) return { ok: true, value: document as T };
  try {
    if (!isStandardSchema(validator)) return { ok: true, value: validator(document) };
    const result = await validator['~standard'].validate(document);
    if (result.issues === undefined) return { ok: true, value: result.value };
    const issues = result.issues.slice(0, 5).map((issue) => {
      const path = (issue.path ?? [])
        .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
        .join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    });
    return { ok: false, reason: boundedMessage(`invalid job document: ${issues.join('; ')}`) };
  } catch (error) {
    return { ok: false, reason: boundedMessage(`invalid job document: ${errorReason(error)}`) };
  }
}
