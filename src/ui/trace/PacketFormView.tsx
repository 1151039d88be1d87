// The packet to trace: the one-line packet text (the CLI's syntax, with its diagnostics inline) and a form
// kept in sync with it (editing either changes the other), the host facts, and presets.
import { useId, useMemo, type ReactNode } from 'react';
import type { Diagnostic } from '../../model/ir.ts';
import type { Forwarding } from '../../store/appStore.ts';
import { selectPacketDiagnostics } from '../../store/traceSlice.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { ICMP_TYPES, ICMPV6_TYPES, TCP_FLAGS, editPacketText, readPacketForm, type FormCtState, type FormProtocol, type PacketForm } from './packetForm.ts';

/** A packet to offer: the example's (with what should happen to it) or a generic one (with a name). */
interface Preset {
  readonly text: string;
  readonly label?: string;
  readonly expect?: string;
}

/** Packets that make sense for most rulesets (the example's own packets come first). */
export const GENERIC_PACKETS: readonly Preset[] = [
  { label: 'SSH to this host', text: 'iifname eth0 ip saddr 198.51.100.7 ip daddr 192.0.2.1 tcp dport 22 ct state new' },
  { label: 'Ping to this host', text: 'iifname eth0 ip saddr 198.51.100.7 ip daddr 192.0.2.1 icmp type echo-request' },
  { label: 'HTTPS sent by this host', text: 'local ip saddr 192.0.2.1 ip daddr 93.184.215.14 tcp dport 443' },
  { label: 'Reply to an outgoing connection', text: 'iifname eth0 ip saddr 93.184.215.14 ip daddr 192.0.2.1 tcp sport 443 tcp dport 40000 ct state established' },
  { label: 'IPv6 DNS query from this host', text: 'local ip6 saddr 2001:db8::1 ip6 daddr 2001:db8:53::53 udp dport 53' },
];

export function Presets({ onPick }: { onPick?(): void }) {
  const store = useAppStore();
  const suggested = useApp((s) => s.suggestedPackets);
  const list: { packet: Preset; example: boolean }[] = [...suggested.map((p) => ({ packet: p, example: true })), ...GENERIC_PACKETS.filter((g) => !suggested.some((p) => p.text === g.text)).map((p) => ({ packet: p, example: false }))];
  return (
    <ul className="presets" aria-label="Packet presets">
      {list.map(({ packet, example }) => (
        <li key={packet.text}>
          <button
            type="button"
            className={`preset${example ? ' preset-example' : ''}`}
            title={packet.expect ? `${packet.text}\n\nExpected: ${packet.expect}` : packet.text}
            onClick={() => {
              store.getState().tracePacket(packet.text);
              onPick?.();
            }}
          >
            <span className="preset-label">{packet.label ?? packet.text}</span>
            {example && <span className="preset-badge">example</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The text with the diagnostic's range marked, and the message: everything as text. */
function DiagnosticLine({ text, d }: { text: string; d: Diagnostic }) {
  const start = Math.min(d.range.start, text.length);
  const end = Math.max(start, Math.min(d.range.end, text.length));
  const whole = start === 0 && end === text.length;
  return (
    <li className={`packet-diagnostic severity-${d.severity}`}>
      <span className="packet-diagnostic-severity">{d.severity}</span> {d.message} <span className="packet-diagnostic-code">{d.code}</span>
      {!whole && (
        <code className="packet-diagnostic-text">
          {text.slice(0, start)}
          <mark>{text.slice(start, end) || ' '}</mark>
          {text.slice(end)}
        </code>
      )}
    </li>
  );
}

function Field({ label, children, wide }: { label: string; children: (id: string) => ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <div className={`packet-field${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function PacketFormView() {
  const store = useAppStore();
  const text = useApp((s) => s.packetText);
  const diagnostics = useApp(selectPacketDiagnostics);
  const hostText = useApp((s) => s.hostText);
  const forwarding = useApp((s) => s.forwarding);
  const form = useMemo(() => readPacketForm(text), [text]);
  const edit = (patch: Partial<PacketForm>) => store.getState().setPacketText(editPacketText(store.getState().packetText, patch));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const ports = form.protocol === 'tcp' || form.protocol === 'udp' || form.protocol === 'sctp' || form.protocol === '';
  const icmpTypes = form.protocol === 'icmpv6' ? ICMPV6_TYPES : ICMP_TYPES;
  const textId = useId();
  const diagId = useId();

  return (
    <form
      className="packet-form"
      aria-label="Packet"
      onSubmit={(e) => {
        e.preventDefault();
        store.getState().runTrace();
      }}
    >
      <div className="packet-text-row">
        <label htmlFor={textId}>Packet</label>
        <input
          id={textId}
          className={`packet-text${errors.length ? ' invalid' : ''}`}
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="iifname eth0 ip saddr 198.51.100.7 ip daddr 192.0.2.1 tcp dport 22 ct state new"
          value={text}
          aria-invalid={errors.length > 0}
          aria-describedby={diagId}
          onChange={(e) => store.getState().setPacketText(e.currentTarget.value)}
        />
        <button type="submit" disabled={text.trim() === '' || errors.length > 0}>
          Trace
        </button>
      </div>
      <ul id={diagId} className="packet-diagnostics" aria-label="Packet problems" aria-live="polite">
        {diagnostics.map((d, i) => (
          <DiagnosticLine key={i} text={text} d={d} />
        ))}
      </ul>
      <div className="packet-grid">
        <Field label="Family">
          {(id) => (
            <select id={id} value={form.family} onChange={(e) => edit({ family: e.currentTarget.value as 'ip' | 'ip6' })}>
              <option value="ip">IPv4</option>
              <option value="ip6">IPv6</option>
            </select>
          )}
        </Field>
        <Field label="Direction">
          {(id) => (
            <select id={id} value={form.origin} onChange={(e) => edit({ origin: e.currentTarget.value as 'remote' | 'local' })}>
              <option value="remote">arriving on an interface</option>
              <option value="local">locally generated</option>
            </select>
          )}
        </Field>
        <Field label="Input interface">{(id) => <input id={id} type="text" value={form.iif} disabled={form.origin === 'local'} onChange={(e) => edit({ iif: e.currentTarget.value })} />}</Field>
        <Field label="Output interface">{(id) => <input id={id} type="text" value={form.oif} onChange={(e) => edit({ oif: e.currentTarget.value })} />}</Field>
        <Field label="Source address">{(id) => <input id={id} type="text" value={form.saddr} onChange={(e) => edit({ saddr: e.currentTarget.value })} />}</Field>
        <Field label="Destination address">{(id) => <input id={id} type="text" value={form.daddr} onChange={(e) => edit({ daddr: e.currentTarget.value })} />}</Field>
        <Field label="Protocol">
          {(id) => (
            <select id={id} value={form.protocol} onChange={(e) => edit({ protocol: e.currentTarget.value as FormProtocol })}>
              <option value="">(none)</option>
              <option value="tcp">tcp</option>
              <option value="udp">udp</option>
              <option value="sctp">sctp</option>
              <option value="icmp">icmp</option>
              <option value="icmpv6">icmpv6</option>
            </select>
          )}
        </Field>
        {ports ? (
          <>
            <Field label="Source port">{(id) => <input id={id} type="text" inputMode="numeric" value={form.sport} onChange={(e) => edit({ sport: e.currentTarget.value })} />}</Field>
            <Field label="Destination port">{(id) => <input id={id} type="text" inputMode="numeric" value={form.dport} onChange={(e) => edit({ dport: e.currentTarget.value })} />}</Field>
          </>
        ) : (
          <Field label="ICMP type">
            {(id) => (
              <select id={id} value={form.icmpType} onChange={(e) => edit({ icmpType: e.currentTarget.value })}>
                <option value="">(default: echo-request)</option>
                {icmpTypes.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
                {form.icmpType && !(icmpTypes as readonly string[]).includes(form.icmpType) && <option value={form.icmpType}>{form.icmpType}</option>}
              </select>
            )}
          </Field>
        )}
        <Field label="ct state">
          {(id) => (
            <select id={id} value={form.ctState} onChange={(e) => edit({ ctState: e.currentTarget.value as FormCtState })}>
              <option value="">(from the packet)</option>
              {['new', 'established', 'related', 'invalid', 'untracked'].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Mark">{(id) => <input id={id} type="text" value={form.mark} placeholder="0x0" onChange={(e) => edit({ mark: e.currentTarget.value })} />}</Field>
        {form.protocol === 'tcp' && (
          <fieldset className="packet-field wide tcp-flags">
            <legend>TCP flags</legend>
            {TCP_FLAGS.map((flag) => (
              <label key={flag} className="checkbox">
                <input
                  type="checkbox"
                  checked={form.tcpFlags.includes(flag)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    edit({ tcpFlags: on ? [...form.tcpFlags, flag] : form.tcpFlags.filter((f) => f !== flag) });
                  }}
                />
                {flag}
              </label>
            ))}
          </fieldset>
        )}
        <Field label="Host addresses and routes" wide>
          {(id) => (
            <input
              id={id}
              type="text"
              spellCheck={false}
              placeholder="inferred — e.g. eth0=192.0.2.1/24 default=eth0"
              value={hostText}
              onChange={(e) => store.getState().setHostText(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="IP forwarding">
          {(id) => (
            <select id={id} value={forwarding} onChange={(e) => store.getState().setForwarding(e.currentTarget.value as Forwarding)}>
              <option value="auto">inferred</option>
              <option value="on">on</option>
              <option value="off">off</option>
            </select>
          )}
        </Field>
      </div>
    </form>
  );
}
