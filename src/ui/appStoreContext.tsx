// Binds the framework-free app store to React: one store per page, given through context, and `useApp`
// to select the smallest value a component needs. Imports the store and the browser parse client.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createAppStore, type AppState, type AppStore } from '../store/appStore.ts';
import exampleText from '../examples/kubeProxy.nft?raw';
import { createWorkerParseClient } from './workerParseClient.ts';
import { createWorkerEvalClient } from './trace/workerEvalClient.ts';
import type { SuggestedPacket } from '../store/traceSlice.ts';

const AppStoreContext = createContext<AppStore | null>(null);

export function AppStoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <AppStoreContext.Provider value={store}>{children}</AppStoreContext.Provider>;
}

export function useAppStore(): AppStore {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStore outside AppStoreProvider');
  return store;
}

/** Selects one value from the store; the component re-renders only when that value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export const EXAMPLE_NAME = 'kube-proxy example (nft list ruleset)';
export { exampleText };

/** Packets to trace through the default example (src/examples/kubeProxy.nft). */
export const EXAMPLE_PACKETS: readonly SuggestedPacket[] = [
  {
    label: 'DNS query from a pod',
    text: 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.0.10 udp dport 53 ct state new',
    expect: 'service-ips sends it to kube-dns, numgen picks one of two endpoints (1/2 each): DNAT and forwarded.',
  },
  {
    label: 'NodePort from outside',
    text: 'iifname eth0 ip saddr 203.0.113.5 ip daddr 192.168.49.2 tcp dport 30080 ct state new',
    expect: 'service-nodeports → external chain marks it for masquerade, then one of three web endpoints (1/3 each).',
  },
  {
    label: 'Service without endpoints',
    text: 'iifname cni0 ip saddr 10.244.0.5 ip daddr 10.96.77.3 tcp dport 5432 ct state new',
    expect: 'no-endpoint-services sends it to reject-chain: rejected.',
  },
];

/** The page's store: parses in a worker, starts with the example, follows the system colour scheme. */
export function createBrowserStore(): AppStore {
  return createAppStore({
    client: createWorkerParseClient(),
    sources: [{ id: 'source-1', name: EXAMPLE_NAME, text: exampleText, formatChoice: 'auto' }],
    theme: prefersDark() ? 'dark' : 'light',
    evalClient: createWorkerEvalClient(),
    suggestedPackets: EXAMPLE_PACKETS,
  });
}

export function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}
