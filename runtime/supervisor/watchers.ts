/** Promises that resolve once a predicate over mutable state holds; the owner calls wake() after each change. */
export class Watchers {
  #checks = new Set<() => void>();

  until(predicate: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        this.#checks.delete(check);
        resolve();
      };
      this.#checks.add(check);
      check();
    });
  }

  wake(): void {
    for (const check of [...this.#checks]) check();
  }
}
