/**
 * Serialises saves of the lifecycle state. Unlike the cache's debounced SnapshotWriter, every
 * `persist()` is awaited by someone who needs durability now (a run recorded before its handler
 * starts, a terminal status before it is reported), so it resolves only after a save that
 * started after the call. Callers arriving while a save runs share the one save after it.
 */
export class StateWriter {
  readonly #save: () => Promise<void>;
  #current: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** `save` takes the snapshot when it starts, so every save stores the latest state. */
  constructor(save: () => Promise<void>) {
    this.#save = save;
  }

  /** Resolves once the state as of now is stored; rejects with that save's error. */
  persist(): Promise<void> {
    if (this.#queued) return this.#queued;
    const current = this.#current;
    if (!current) return this.#start();
    const queued = current
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    this.#queued = queued;
    return queued;
  }

  /** Resolves when no save is running or queued (failures are the persisting callers' to see). */
  async idle(): Promise<void> {
    while (this.#current ?? this.#queued) {
      await (this.#queued ?? this.#current)?.catch(() => undefined);
    }
  }

  #start(): Promise<void> {
    const saving = this.#save().finally(() => {
      if (this.#current === saving) this.#current = undefined;
    });
    this.#current = saving;
    return saving;
  }
}
