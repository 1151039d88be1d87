// The packet tracer: the packet (form, text, presets), then the result — the fate, undecidable steps
// flagged, the branch tree with each endpoint's share, the step list with the current step's details (why
// each expression matched or not, the packet before/after a rewrite) — and a copy in `nft monitor trace`
// format. Stepping moves the editor's highlight and the graph's selection through the store.
import { useState } from 'react';
import { formatNftMonitor, type Step, type Trace, type TraceTree } from '../../eval/index.ts';
import { selectShownTrace } from '../../store/traceSlice.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { PacketFormView, Presets } from './PacketFormView.tsx';
import { StepList } from './StepList.tsx';
import { branchRows, fateView, hasBranches, outcomeText, packetDiff, percent, stepKindLabel, stepPlace, unknownStepIndices, verdictText } from './traceView.ts';
import { selectAllSourcesBlank } from '../../store/selectors.ts';

export function TraceView() {
  const packetText = useApp((s) => s.packetText);
  const isBlank = useApp(selectAllSourcesBlank);
  return (
    <div className="trace-view">
      <section className="trace-packet" aria-label="Packet to trace">
        <PacketFormView />
        {packetText.trim() === '' ? (
          <div className="view-empty" role="note">
            <p>
              <strong>No packet yet</strong> — try one of these, or describe one above in the same syntax as <code>nflens trace --packet</code>.
            </p>
            <Presets />
          </div>
        ) : (
          <details className="trace-presets">
            <summary>Presets</summary>
            <Presets />
          </details>
        )}
      </section>
      {isBlank ? (
        <div className="view-empty" role="note">
          <p>Paste a ruleset into the editor to trace packets through it.</p>
        </div>
      ) : (
        <TraceResult />
      )}
    </div>
  );
}

function TraceResult() {
  const result = useApp((s) => s.traceResult);
  const error = useApp((s) => s.traceError);
  const pending = useApp((s) => s.tracePending);
  const trace = useApp(selectShownTrace);
  const stepIndex = useApp((s) => s.stepIndex);
  const leafIndex = useApp((s) => s.leafIndex);
  const packetText = useApp((s) => s.packetText);

  if (error) {
    return (
      <div className="pane-error" role="alert">
        <p>
          <strong>The trace failed.</strong> This is a bug in nflens.
        </p>
        <p className="pane-error-message">{error}</p>
      </div>
    );
  }
  if (!result || !trace) {
    return <div className="trace-waiting">{pending ? 'Tracing…' : packetText.trim() !== '' ? 'Press Trace (or fix the packet) to follow it through the ruleset.' : ''}</div>;
  }
  const stale = result.packetText !== packetText;
  return (
    <section className={`trace-result${stale || pending ? ' stale' : ''}`} aria-label="Trace" aria-busy={pending}>
      <FateBanner trace={trace} />
      <Assumptions trace={trace} />
      {hasBranches(result.tree) && <BranchTree tree={result.tree} leafIndex={leafIndex} />}
      <StepControls trace={trace} stepIndex={stepIndex} />
      <div className="trace-steps">
        <StepList trace={trace} stepIndex={stepIndex} idPrefix="trace-step" />
        <StepDetails step={trace.steps[stepIndex]} />
      </div>
      {trace.notes.length > 0 && (
        <details className="trace-notes">
          <summary>{trace.notes.length} notes (inferred host facts, packet defaults)</summary>
          <ul>
            {trace.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function FateBanner({ trace }: { trace: Trace }) {
  const store = useAppStore();
  const forwarding = useApp((s) => s.forwarding);
  const fate = fateView(trace.fate);
  // Not local and forwarding off by default (the kernel's default); rulesets of routers and Kubernetes nodes
  // run with it on: offer that in one click rather than leave a puzzling "no route".
  const offerForwarding = trace.fate.kind === 'no-route' && forwarding === 'auto' && trace.notes.some((n) => /forwarding off/i.test(n));
  return (
    <div className={`fate-banner tone-${fate.tone}`} role="status" aria-label="Fate" data-verdict={trace.fate.verdict} data-fate-kind={trace.fate.kind} data-where={trace.fate.where}>
      <span className="fate-title">{fate.title}</span>
      {fate.where && <span className="fate-where">{fate.where}</span>}
      <span className="fate-reason">{fate.reason}</span>
      {trace.probability < 1 && <span className="fate-probability">this path: {percent(trace.probability)}</span>}
      {offerForwarding && (
        <span className="fate-hint">
          IP forwarding was assumed off (the Linux default).{' '}
          <button type="button" onClick={() => store.getState().setForwarding('on')}>
            Trace with forwarding on
          </button>
        </span>
      )}
    </div>
  );
}

function Assumptions({ trace }: { trace: Trace }) {
  const store = useAppStore();
  const unknown = unknownStepIndices(trace);
  if (trace.assumptions.length === 0 && unknown.length === 0) return null;
  return (
    <div className="trace-unknown" role="note" aria-label="Undecidable steps">
      <strong>
        {unknown.length} {unknown.length === 1 ? 'step' : 'steps'} could not be decided
      </strong>{' '}
      — the trace assumed an outcome; state more of the packet or the host to decide them.
      <ul>
        {trace.assumptions.map((a, i) => (
          <li key={`a${i}`}>{a}</li>
        ))}
      </ul>
      {unknown.length > 0 && (
        <div className="trace-unknown-steps">
          Go to:{' '}
          {unknown.slice(0, 20).map((i) => (
            <button key={i} type="button" onClick={() => store.getState().setStepIndex(i)}>
              step {i + 1}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function BranchTree({ tree, leafIndex }: { tree: TraceTree; leafIndex: number | null }) {
  const store = useAppStore();
  const rows = branchRows(tree);
  const shown = leafIndex ?? 0;
  return (
    <section className="branch-tree" aria-label="Branches">
      <h3>
        Branches <span className="branch-count">{tree.leaves.length} paths</span>
      </h3>
      <ul>
        {rows.map((row, i) => {
          const pad = { paddingLeft: 8 + row.depth * 14 };
          if (row.kind === 'fork') {
            return (
              <li key={i} className="branch-fork" style={pad}>
                {row.label}
              </li>
            );
          }
          if (row.kind === 'alternative') {
            return (
              <li key={i} className="branch-alt" style={pad} data-share={row.share ?? ''}>
                ├ {row.label} <span className="branch-share">{row.share === null ? 'assumption' : percent(row.share)}</span>
              </li>
            );
          }
          const fate = row.fate ? fateView(row.fate) : undefined;
          return (
            <li key={i} className="branch-leaf" style={pad}>
              <button
                type="button"
                className={`branch-leaf-button${row.leaf === shown ? ' shown' : ''}`}
                aria-pressed={row.leaf === shown}
                data-probability={row.probability}
                onClick={() => store.getState().chooseLeaf(row.leaf ?? null)}
              >
                <span className="branch-share">{percent(row.probability ?? 0)}</span>
                <span className={`branch-fate tone-${fate?.tone ?? 'unknown'}`}>{fate?.title}</span>
                <span className="branch-reason">{row.label}</span>
                {row.assumptions ? <span className="step-flag">{row.assumptions} assumed</span> : null}
              </button>
            </li>
          );
        })}
      </ul>
      {tree.truncated && <p className="branch-truncated">{tree.truncated}</p>}
    </section>
  );
}

function StepControls({ trace, stepIndex }: { trace: Trace; stepIndex: number }) {
  const store = useAppStore();
  const [copied, setCopied] = useState<string | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);
  const copy = async () => {
    const text = formatNftMonitor(trace);
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
      setFallback(null);
    } catch {
      // No clipboard permission: show the text to copy by hand.
      setFallback(text);
      setCopied(null);
    }
  };
  return (
    <div className="step-controls" role="toolbar" aria-label="Step through the trace">
      <button type="button" onClick={() => store.getState().setStepIndex(0)} disabled={stepIndex === 0} aria-label="First step">
        « First
      </button>
      <button type="button" onClick={() => store.getState().stepBy(-1)} disabled={stepIndex === 0}>
        ‹ Previous
      </button>
      <span className="step-count" aria-live="polite">
        Step {stepIndex + 1} of {trace.steps.length}
      </span>
      <button type="button" onClick={() => store.getState().stepBy(1)} disabled={stepIndex >= trace.steps.length - 1}>
        Next ›
      </button>
      <button type="button" onClick={() => store.getState().setStepIndex(trace.steps.length - 1)} disabled={stepIndex >= trace.steps.length - 1} aria-label="Last step">
        Last »
      </button>
      <span className="step-controls-spacer" />
      <button type="button" onClick={() => void copy()}>
        Copy as nft monitor trace
      </button>
      {copied && (
        <span className="copied" role="status">
          {copied}
        </span>
      )}
      {fallback !== null && (
        <textarea className="monitor-fallback" readOnly aria-label="nft monitor trace" value={fallback} rows={6} onFocus={(e) => e.currentTarget.select()} />
      )}
    </div>
  );
}

function StepDetails({ step }: { step: Step | undefined }) {
  if (!step) return null;
  const diff = packetDiff(step);
  return (
    <section className="step-details" aria-label="Current step">
      <p className="step-details-place">
        <span className="step-details-kind">{step.kind === 'rule' ? 'rule' : stepKindLabel(step)}</span> {step.kind === 'rule' ? stepPlace(step) : step.hook ? `at ${step.hook}` : ''}
        {step.depth !== undefined && step.depth > 0 ? ` · jump depth ${step.depth}` : ''}
      </p>
      <pre className="step-details-text">{step.text}</pre>
      {step.kind === 'rule' && (
        <p className={`step-details-outcome outcome-${step.result ?? 'info'}`}>
          {outcomeText(step)}
          {step.verdict && (step.result === 'match' || step.assumed === 'match') ? ` → ${verdictText(step.verdict)}` : ''}
        </p>
      )}
      {step.exprs && step.exprs.length > 0 && (
        <table className="step-exprs">
          <caption>Why</caption>
          <tbody>
            {step.exprs.map((e, i) => (
              <tr key={i} className={`outcome-${e.result}`}>
                <td className="expr-result">{e.result === 'nomatch' ? 'no match' : e.result}</td>
                <td className="expr-text">
                  <code>{e.text}</code>
                </td>
                <td className="expr-reason">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.length > 0 && (
        <table className="packet-diff">
          <caption>Packet rewritten</caption>
          <thead>
            <tr>
              <th scope="col">field</th>
              <th scope="col">before</th>
              <th scope="col">after</th>
            </tr>
          </thead>
          <tbody>
            {diff.map((d) => (
              <tr key={d.field}>
                <th scope="row">{d.field}</th>
                <td className="diff-before">{d.before}</td>
                <td className="diff-after">{d.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.tie && <p className="step-tie">⚠ {step.tie}</p>}
      {step.annotations && step.annotations.length > 0 && (
        <ul className="step-annotations">
          {step.annotations.map((a, i) => (
            <li key={i}>{a.text}</li>
          ))}
        </ul>
      )}
      {step.packet && (
        <details className="step-packet">
          <summary>Packet as this chain sees it</summary>
          <table>
            <tbody>
              {Object.entries(step.packet).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
