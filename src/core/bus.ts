/**
 * The doorbell between nodes (DESIGN.md §8): after a commit a node announces "the log reached N";
 * every node rings its feed, which reads what it is missing from the log. The bell carries no
 * events, so a lost or repeated bell costs a read, never a lost or repeated event; a slow timer
 * reads the log's head anyway, so nodes catch up while the bus is away.
 */
export interface Bus {
  /** Tells the other nodes the log reached `sequence`. Never throws: a bell that cannot ring is caught up later. */
  announce(sequence: number): void;
  /** Calls `listener` with each sequence another node announced. */
  onRing(listener: (sequence: number) => void): void;
  close(): Promise<void>;
}

/** One node alone: its commits reach its own feed directly, so there is no one to ring. */
export const noBus: Bus = {
  announce() {},
  onRing() {},
  async close() {},
};
