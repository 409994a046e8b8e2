/** @internal A place in a `Queue`: what `push` returns and `remove` takes. */
export interface QueueEntry<T> {
  readonly item: T;
}

class Entry<T> implements QueueEntry<T> {
  prev: Entry<T> | undefined;
  next: Entry<T> | undefined = undefined;
  /** The queue holding it; undefined once it left (so a second `remove` is a no-op). */
  owner: Queue<T> | undefined;
  constructor(
    readonly item: T,
    prev: Entry<T> | undefined,
    owner: Queue<T>,
  ) {
    this.prev = prev;
    this.owner = owner;
  }
}

/**
 * @internal A FIFO queue with O(1) push, shift and remove (a doubly linked
 * list): with many operations waiting, settling any one of them (timeout,
 * abort) must not cost in proportion to the others.
 */
export class Queue<T> {
  #first: Entry<T> | undefined;
  #last: Entry<T> | undefined;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Adds `item` at the end; the entry is what `remove` takes. */
  push(item: T): QueueEntry<T> {
    const entry = new Entry(item, this.#last, this);
    if (this.#last === undefined) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    this.#length++;
    return entry;
  }

  peek(): T | undefined {
    return this.#first?.item;
  }

  shift(): T | undefined {
    const entry = this.#first;
    if (entry === undefined) return undefined;
    this.#unlink(entry);
    return entry.item;
  }

  /** Removes the item `push` returned `entry` for, wherever it stands; false if it already left. */
  remove(entry: QueueEntry<T>): boolean {
    if (!(entry instanceof Entry) || entry.owner !== this) return false;
    this.#unlink(entry as Entry<T>);
    return true;
  }

  /** Empties the queue, returning what it held in order. */
  takeAll(): T[] {
    const out: T[] = [];
    for (let e = this.#first; e !== undefined; e = e.next) {
      e.owner = undefined;
      out.push(e.item);
    }
    this.#first = this.#last = undefined;
    this.#length = 0;
    return out;
  }

  /** Keeps only the items for which `keep` is true, in order. */
  retain(keep: (item: T) => boolean): void {
    for (let e = this.#first; e !== undefined;) {
      const next = e.next;
      if (!keep(e.item)) this.#unlink(e);
      e = next;
    }
  }

  #unlink(entry: Entry<T>): void {
    const { prev, next } = entry;
    if (prev === undefined) this.#first = next;
    else prev.next = next;
    if (next === undefined) this.#last = prev;
    else next.prev = prev;
    entry.prev = entry.next = entry.owner = undefined;
    this.#length--;
  }
}
