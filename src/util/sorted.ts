/** The first index in `a[0..size)` (ascending) whose value is above `v`; `size` when none is. */
export function firstAbove(a: ArrayLike<number>, size: number, v: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
