// Packet slice: the packet under trace as the user wrote it (one-line packet syntax, shared by the tracer view,
// permalinks and the saved session) and the packets the loaded example suggests. Imports types only.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore.ts';

/** A packet an example suggests, with what should happen to it in words. */
export interface SuggestedPacket {
  readonly text: string;
  readonly expect: string;
}

export interface PacketSlice {
  /** The packet to trace, e.g. `iifname eth0 ip saddr 203.0.113.5 tcp dport 22 ct state new` ('' for none). */
  readonly packetText: string;
  readonly suggestedPackets: readonly SuggestedPacket[];
  setPacketText(text: string): void;
}

export function createPacketSlice(): StateCreator<AppState, [], [], PacketSlice> {
  return (set) => ({
    packetText: '',
    suggestedPackets: [],
    setPacketText: (packetText) => set({ packetText }),
  });
}
