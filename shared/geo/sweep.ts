/**
 * Does any pair of segments meet where it should not? Shamos and Hoey's sweep: O(n log n)
 * for every input, including the hostile "comb" (thousands of long, nearly parallel edges)
 * that made the earlier x-window sweep quadratic and froze the main process for minutes.
 *
 * Hand-written (no maintained library answers "any forbidden meeting" with our rules for
 * neighbouring edges and our exact predicate): events are the segment ends in (x, y) order,
 * removals before insertions at one point; the active segments are kept in a treap ordered
 * by the same orientation sign the rest of shared/geo uses, so no intersection point is
 * ever computed and no rounding enters the order. Every pair that becomes adjacent is asked
 * `meets(a, b)`; the first forbidden meeting ends the sweep. Two segments ending at the
 * very same point are never adjacent in a removal-first order, so with `onSharedPoint` a
 * point where more than two segment ends meet (a vertex used twice) is reported as a meeting.
 */

export interface SweepSegment {
  /** Lexicographically smaller end (x, then y). */
  lx: number;
  ly: number;
  rx: number;
  ry: number;
  /** Unique, for a total order among collinear segments. */
  id: number;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

const lexLess = (ax: number, ay: number, bx: number, by: number) => ax < bx || (ax === bx && ay < by);

/**
 * Below (<0) or above (>0) in the sweep, for two segments both spanning the sweep line and
 * not crossing before it: decided at the later-starting one's left end, then by its right end.
 */
function compare(s: SweepSegment, t: SweepSegment): number {
  if (s === t) return 0;
  if (lexLess(s.lx, s.ly, t.lx, t.ly)) return -compare(t, s);
  // s starts at or after t's start: where does s lie against t's line?
  let o = orient(t.lx, t.ly, t.rx, t.ry, s.lx, s.ly);
  if (o === 0) o = orient(t.lx, t.ly, t.rx, t.ry, s.rx, s.ry);
  if (o !== 0) return o;
  return s.id - t.id;
}

interface Node {
  seg: SweepSegment;
  prio: number;
  left: Node | null;
  right: Node | null;
}

/** A treap keyed by `compare`; priorities from a fixed-seed generator (deterministic runs). */
class Status {
  private root: Node | null = null;
  private seed = 0x9e3779b9;

  private rand(): number {
    // xorshift32
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  private split(n: Node | null, seg: SweepSegment): [Node | null, Node | null] {
    // Left: keys < seg; right: keys >= seg. Iterative to bound the stack.
    let l: Node | null = null,
      r: Node | null = null;
    let lTail: Node | null = null,
      rTail: Node | null = null;
    while (n) {
      if (compare(n.seg, seg) < 0) {
        if (lTail) lTail.right = n;
        else l = n;
        lTail = n;
        n = n.right;
      } else {
        if (rTail) rTail.left = n;
        else r = n;
        rTail = n;
        n = n.left;
      }
    }
    if (lTail) lTail.right = null;
    if (rTail) rTail.left = null;
    return [l, r];
  }

  private merge(a: Node | null, b: Node | null): Node | null {
    if (!a) return b;
    if (!b) return a;
    if (a.prio > b.prio) {
      a.right = this.merge(a.right, b);
      return a;
    }
    b.left = this.merge(a, b.left);
    return b;
  }

  insert(seg: SweepSegment): void {
    const node: Node = { seg, prio: this.rand(), left: null, right: null };
    const [l, r] = this.split(this.root, seg);
    this.root = this.merge(this.merge(l, node), r);
  }

  remove(seg: SweepSegment): boolean {
    // Walk down to the node, remembering the parent link.
    let parent: Node | null = null;
    let n = this.root;
    while (n && n.seg !== seg) {
      parent = n;
      n = compare(seg, n.seg) < 0 ? n.left : n.right;
    }
    if (!n) return false;
    const joined = this.merge(n.left, n.right);
    if (!parent) this.root = joined;
    else if (parent.left === n) parent.left = joined;
    else parent.right = joined;
    return true;
  }

  /** The neighbours just below and just above a segment (in the tree or not). */
  neighbours(seg: SweepSegment): [SweepSegment | null, SweepSegment | null] {
    let below: SweepSegment | null = null,
      above: SweepSegment | null = null;
    let n = this.root;
    while (n) {
      const c = compare(seg, n.seg);
      if (c < 0) {
        above = n.seg;
        n = n.left;
      } else if (c > 0) {
        below = n.seg;
        n = n.right;
      } else {
        let m = n.left;
        while (m) {
          below = m.seg;
          m = m.right;
        }
        m = n.right;
        while (m) {
          above = m.seg;
          m = m.left;
        }
        break;
      }
    }
    return [below, above];
  }
}

/**
 * The first forbidden pair found, or null when there is none. `meets` decides whether two
 * segments meet in a way that is not allowed (it knows which segments are neighbours).
 * Returns 'inconsistent' if the sweep order broke, which only a missed crossing can cause:
 * the caller then treats the input as crossing itself.
 */
export function findMeeting<S extends SweepSegment>(
  segments: readonly S[],
  meets: (a: S, b: S) => boolean,
  opts: { onSharedPoint?: boolean } = {},
): [S, S] | 'inconsistent' | null {
  const n = segments.length;
  // Event k < n: insert segment k at its left end; k >= n: remove segment k - n at its right end.
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const s = segments[k]!;
    xs[k] = s.lx;
    ys[k] = s.ly;
    xs[k + n] = s.rx;
    ys[k + n] = s.ry;
  }
  const events: number[] = new Array<number>(2 * n);
  for (let k = 0; k < 2 * n; k++) events[k] = k;
  // Removals first at one point.
  events.sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]! || (a >= n ? 0 : 1) - (b >= n ? 0 : 1));
  // Each point is the end of exactly its two ring neighbours unless a vertex is used twice.
  if (opts.onSharedPoint) {
    for (let i = 2; i < events.length; i++) {
      const a = events[i - 2]!,
        c = events[i]!;
      if (xs[a] === xs[c] && ys[a] === ys[c]) {
        const first = segments[a < n ? a : a - n]!;
        const third = segments[c < n ? c : c - n]!;
        return [first, third];
      }
    }
  }
  const status = new Status();
  for (let i = 0; i < events.length; i++) {
    const k = events[i]!;
    if (k < n) {
      const s = segments[k]!;
      const [below, above] = status.neighbours(s);
      status.insert(s);
      if (below && meets(below as S, s)) return [below as S, s];
      if (above && meets(s, above as S)) return [s, above as S];
    } else {
      const s = segments[k - n]!;
      if (!status.remove(s)) return 'inconsistent';
      const [below, above] = status.neighbours(s);
      if (below && above && meets(below as S, above as S)) return [below as S, above as S];
    }
  }
  return null;
}
