/** Who a live object says made it: the one fact about ownership providers report (see ownership.ts). */
export type Owner =
  /** Stamped with this state's lineage. */
  | { kind: 'this' }
  /** Stamped for this project and stack by an omnitron that did not stamp lineages yet. */
  | { kind: 'unversioned' }
  /** Stamped by another state (another lineage, project or stack), described for the operator. */
  | { kind: 'other'; who: string }
  /** No omnitron stamp at all (someone else's, or made by hand). */
  | { kind: 'none' };

