/**
 * An open-addressing set of 32-bit keys that clears in O(1) (generation stamps), for per-document distinct counts
 * without allocation. Holds at most `capacity / 2` keys; `add` reports false (not new) once full. Each key can carry an
 * int32 value (`slotOf`, `holds`, `put`, `valueAt`): one probe finds a key and what was stored with it.
 */
export class StampSet {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly stamps: Uint32Array;
  private readonly mask: number;
  private stamp = 1;
  private size = 0;

  constructor(capacityPow2: number) {
    this.keys = new Int32Array(capacityPow2);
    this.values = new Int32Array(capacityPow2);
    this.stamps = new Uint32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  /** Empties the set. */
  clear(): void {
    this.size = 0;
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }

  /** Whether the set can take more keys. */
  get full(): boolean {
    return this.size * 2 >= this.keys.length;
  }

  /** Adds `key`; true when it was not in the set. */
  add(key: number): boolean {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      if (this.stamps[i] !== this.stamp) {
        if (this.full) return false;
        this.stamps[i] = this.stamp;
        this.keys[i] = key;
        this.size += 1;
        return true;
      }
      if (this.keys[i] === key) return false;
      i += 1;
    }
  }

  /** Whether `key` is in the set. */
  has(key: number): boolean {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      if (this.stamps[i] !== this.stamp) return false;
      if (this.keys[i] === key) return true;
      i += 1;
    }
  }

  /**
   * One probe: the slot holding `key`, or the free slot where `put` would store it (`holds` tells which); -1 when the
   * key is absent and the set is full.
   */
  slotOf(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      if (this.stamps[i] !== this.stamp) return this.full ? -1 : i;
      if (this.keys[i] === key) return i;
      i += 1;
    }
  }

  /** Whether `slot` (from slotOf) holds a key, i.e. the key looked up is in the set. */
  holds(slot: number): boolean {
    return this.stamps[slot] === this.stamp;
  }

  /** Stores `key` with `value` in the free `slot` slotOf(key) returned. */
  put(slot: number, key: number, value: number): void {
    this.stamps[slot] = this.stamp;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.size += 1;
  }

  /** The value stored in `slot`. */
  valueAt(slot: number): number {
    return this.values[slot]!;
  }
}
