/**
 * A minimal typed event emitter: listeners get exactly the payload type of their event, and a
 * throwing listener cannot break the emitter (a bug in one consumer must not stop the stream).
 */
type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => undefined) {}

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const fn of set) {
      try {
        (fn as Listener<Events[K]>)(payload);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }
}
