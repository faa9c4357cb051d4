/** The Teleport client's state as its panel and tests read it (apart from client.ts, which keeps it). */
import type { PeerStats } from '../../net/enet/host';
import type { MovementUpdate, Setup, TeleportVariant } from './codec';

export interface TeleportNode {
  uid: string;
  visible: boolean;
  enabled: boolean;
  parent?: string;
  updates: number;
  /** Movement updates per second over the last second. */
  rateHz: number;
  lastUpdate?: MovementUpdate;
  lastUpdateHostMs?: number;
}

export interface TeleportState {
  variant: TeleportVariant | null;
  clientId: string | null;
  serverAddress: string;
  servicePort: number | null;
  setup: Setup | null;
  link: PeerStats | null;
  nodes: TeleportNode[];
  commands: Record<string, number>;
  shutdownReceived: boolean;
  videoReconfigurations: number;
  /** The last SetPosition (origin) applied: only a newer valid counter replaces it. */
  origin: {
    position: [number, number, number];
    orientation: [number, number, number, number];
    validCounter: string;
  } | null;
}
