/**
 * An open-addressing set of 32-bit keys that clears in O(1) (generation stamps), for per-document distinct counts
 * without allocation. Holds at most `capacity / 2` keys; `add` reports false (not new) once full. Each key can carry an
 * int32 value (`getOrPut`): one probe finds a key and what was stored with it, or stores it.
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
   * One probe: the value stored with `key`, or -1 after storing `key` with `value` when it was absent. For sets that
   * cannot fill (callers that add at most capacity / 2 keys between clears): it does not check.
   */
  getOrPut(key: number, value: number): number {
    const stamps = this.stamps;
    const keys = this.keys;
    const stamp = this.stamp;
    const mask = this.mask;
    let i = Math.imul(key, 0x9e3779b1) & mask;
    for (;;) {
      if (stamps[i] !== stamp) {
        stamps[i] = stamp;
        keys[i] = key;
        this.values[i] = value;
        this.size += 1;
        return -1;
      }
      if (keys[i] === key) return this.values[i]!;
      i = (i + 1) & mask;
    }
  }
}
