/**
 * A minimal listener set. One listener that throws must not starve the others (a panel bug would
 * otherwise stop the pose stream), so errors are reported and the loop goes on.
 */
export interface ListenerSet<T> {
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
}

export function createListenerSet<T>(what: string): ListenerSet<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          console.error(`${what} listener failed`, error);
        }
      }
    },
  };
}
