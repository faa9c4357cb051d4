/** One Teleport session as the Teleport panel shows it (refreshed with the ~2 Hz health tick). */
export interface TeleportStatus {
  /** '2022a' (8-byte vtable prefix on commands) or '2022b'; null before the Setup. */
  variant: string | null;
  clientId: string | null;
  /** Servers that answered discovery, newest first. */
  servers: { address: string; servicePort: number; replyMs: number }[];
  /** Every Setup field, formatted with its unit; null before the Setup. */
  setup: { label: string; value: string }[] | null;
  link: TeleportLinkStats | null;
  /** At most 256 nodes, visible ones first. */
  nodes: TeleportNodeStatus[];
  nodeCount: number;
  shutdownReceived: boolean;
  /** The origin the server set (SetPosition), e.g. "0.000, 1.000, 0.000 m"; null if none. */
  origin: string | null;
}

export interface TeleportLinkStats {
  rttMs: number;
  rttVarianceMs: number;
  /** 0..1 */
  packetLoss: number;
  retransmits: number;
  sinceLastReceiveMs: number | null;
  bytesIn: number;
  bytesOut: number;
  channels: { name: string; bytesIn: number; bytesOut: number }[];
}

export interface TeleportNodeStatus {
  uid: string;
  visible: boolean;
  enabled: boolean;
  /** Movement updates per second. */
  rateHz: number;
  updates: number;
  /** Metres. */
  position: [number, number, number] | null;
  /** x y z w. */
  rotation: [number, number, number, number] | null;
  /** ms since the last movement update. */
  ageMs: number | null;
}
