/**
 * The operator's LSL network choices (the settings file's `lsl` block, main/settings/app-settings.ts),
 * applied by LSL discovery and by Sightline's outlets (docs/protocols/lsl.md §1). Together with the lab
 * interface (settings.networkInterface) they say where queries go and which multicast groups outlets
 * answer on. Pure: no sockets here.
 */
import { z } from 'zod';
import { SCOPE_ADDRESSES, scopeTargets, type ResolveScope, type ResolveTarget } from './resolver';

/** A host name or IPv4 address as liblsl's KnownPeers lists them. */
const peer = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'a known peer is a host name or IPv4 address');

export const LslSettingsSchema = z
  .object({
    /** liblsl's ResolveScope: machine (this PC), link (the local network), site (multicast across routers). */
    scope: z.enum(['machine', 'link', 'site']).default('site'),
    /** liblsl's KnownPeers: PCs asked directly, where multicast and broadcast do not reach. */
    knownPeers: z.array(peer).max(64).default([]),
  })
  .strict();
export type LslSettings = z.infer<typeof LslSettingsSchema>;

export const DEFAULT_LSL_SETTINGS: LslSettings = { scope: 'site', knownPeers: [] };

/** A known peer that is this computer's loopback (what demo mode and tests may ask). */
export function isLoopbackPeer(peer: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(peer) || peer.toLowerCase() === 'localhost';
}

/** Where discovery on the lab network sends its queries. */
export function lslLanTargets(settings: LslSettings = DEFAULT_LSL_SETTINGS): ResolveTarget[] {
  return scopeTargets(settings.scope, settings.knownPeers);
}

/** The multicast groups of a scope (what an outlet's responder joins so resolvers in that scope find it). */
export function scopeGroups(scope: ResolveScope): string[] {
  return SCOPE_ADDRESSES[scope].filter((a) => {
    const first = Number(a.split('.')[0]);
    return first >= 224 && first <= 239;
  });
}

/**
 * What Sightline's outlets take from the settings: the scope's multicast groups, joined on the lab
 * interface when one is chosen. The sockets stay on every interface, like liblsl's, so a LabRecorder on
 * this PC (loopback) and known peers still reach them.
 */
export function lslOutletNetwork(
  settings: LslSettings = DEFAULT_LSL_SETTINGS,
  labInterface?: string,
): { multicastGroups: string[]; multicastInterface?: string } {
  return {
    multicastGroups: scopeGroups(settings.scope),
    ...(labInterface && { multicastInterface: labInterface }),
  };
}
