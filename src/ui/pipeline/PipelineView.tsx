// The hook pipeline: netfilter's packet-flow diagram for one family, with every base chain of the workspace
// at its priority on its hook (nf_tables and iptables-legacy hooks side by side), conntrack, the NAT core,
// IPVS and the routing decisions, and the traced packet's route drawn over it. HTML boxes in a grid with an
// SVG layer for the arrows (measured after layout, so nothing moves when they are drawn). A large-type
// switch and a fullscreen button make it readable on a wall.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { pipelineRouteOf, type PipelineEntry, type PipelineFamily, type PipelineModel, type PipelineStage } from '../../graph/index.ts';
import { pipelineFamiliesOf, pipelineOf } from '../../store/graphSelectors.ts';
import { selectShownTrace } from '../../store/traceSlice.ts';
import { selectWorkspace } from '../../store/workspaceSelectors.ts';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { TraceStrip } from '../trace/TraceStrip.tsx';
import { routeStepAt, routeStepsOf } from '../trace/traceRoute.ts';
import { ALL_FAMILIES, arrowSides, gridOf, gridSize, laneOf, originText, type Side } from './pipelineGrid.ts';
import { selectAllSourcesBlank } from '../../store/selectors.ts';

const FAMILY_LABEL: Readonly<Record<PipelineFamily, string>> = { ip: 'IPv4 (ip)', ip6: 'IPv6 (ip6)', inet: 'inet', bridge: 'bridge', netdev: 'netdev', arp: 'arp' };

export function PipelineView() {
  const workspace = useApp(selectWorkspace);
  const trace = useApp(selectShownTrace);
  const stepIndex = useApp((s) => s.stepIndex);
  const isBlank = useApp(selectAllSourcesBlank);
  const offered = useMemo(() => pipelineFamiliesOf(workspace), [workspace]);
  const [chosen, setChosen] = useState<PipelineFamily | undefined>(undefined);
  const [large, setLarge] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);

  // The traced packet's family, else the user's pick, else the first family the workspace has hooks for.
  const traceFamily = trace ? (offered.includes('inet') && !offered.includes(trace.packet.family as PipelineFamily) ? 'inet' : (trace.packet.family as PipelineFamily)) : undefined;
  const family: PipelineFamily = chosen ?? traceFamily ?? offered[0] ?? 'ip';
  const pipeline = useMemo(() => pipelineOf(workspace, family), [workspace, family]);

  const routeInfo = useMemo(() => {
    if (!trace) return undefined;
    const { steps } = routeStepsOf(trace);
    const route = pipelineRouteOf(pipeline, steps);
    const at = routeStepAt(trace);
    return { route, steps, at };
  }, [trace, pipeline]);
  const currentEntry = useMemo(() => {
    if (!routeInfo) return undefined;
    const k = routeInfo.at[stepIndex];
    if (k === undefined) return undefined;
    const step = routeInfo.steps[k];
    return step ? pipelineRouteOf(pipeline, [step]).entryIds[0] : undefined;
  }, [routeInfo, stepIndex, pipeline]);

  if (isBlank) {
    return (
      <div className="view-empty" role="note">
        <p>Paste a ruleset into the editor to see where its chains run on netfilter’s hooks.</p>
      </div>
    );
  }

  const families = [...offered, ...ALL_FAMILIES.filter((f) => !offered.includes(f))];
  return (
    <div ref={rootRef} className={`pipeline-view${large ? ' large' : ''}`}>
      <div className="view-toolbar" role="toolbar" aria-label="Pipeline tools">
        <label>
          Family{' '}
          <select value={family} onChange={(e) => setChosen(e.currentTarget.value as PipelineFamily)}>
            {families.map((f) => (
              <option key={f} value={f}>
                {FAMILY_LABEL[f]}
                {offered.includes(f) ? '' : ' (no chains)'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-pressed={large} onClick={() => setLarge((l) => !l)}>
          Large type
        </button>
        <button
          type="button"
          onClick={() => {
            const el = rootRef.current;
            if (!el) return;
            if (document.fullscreenElement) void document.exitFullscreen();
            else void el.requestFullscreen?.().catch(() => setLarge(true));
          }}
        >
          Fullscreen
        </button>
        {routeInfo && routeInfo.route.unmatched.length > 0 && (
          <span className="view-status">
            {routeInfo.route.unmatched.length} trace {routeInfo.route.unmatched.length === 1 ? 'stop is' : 'stops are'} not on this family’s diagram
          </span>
        )}
      </div>
      <PipelineDiagram pipeline={pipeline} litStages={routeInfo?.route.stageIds} litEntries={routeInfo?.route.entryIds} currentEntry={currentEntry} />
      <TraceStrip />
    </div>
  );
}

interface DiagramProps {
  pipeline: PipelineModel;
  litStages: readonly string[] | undefined;
  litEntries: readonly string[] | undefined;
  currentEntry: string | undefined;
}

interface Arrow {
  readonly key: string;
  readonly d: string;
  readonly lit: boolean;
}

function PipelineDiagram({ pipeline, litStages, litEntries, currentEntry }: DiagramProps) {
  const grid = useMemo(() => gridOf(pipeline), [pipeline]);
  const size = gridSize(grid);
  const wrapRef = useRef<HTMLDivElement>(null);
  const boxRefs = useRef<Record<string, HTMLElement | null>>({});
  const [arrows, setArrows] = useState<readonly Arrow[]>([]);
  const [extent, setExtent] = useState({ width: 0, height: 0 });
  const litStageSet = useMemo(() => new Set(litStages ?? []), [litStages]);
  const litEntrySet = useMemo(() => new Set(litEntries ?? []), [litEntries]);
  const litLinks = useMemo(() => {
    const out = new Set<string>();
    const s = litStages ?? [];
    for (let i = 1; i < s.length; i++) out.add(`${s[i - 1]}>${s[i]}`);
    return out;
  }, [litStages]);

  // Arrows between the measured boxes; re-measured when anything changes size.
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const measure = () => {
      const origin = wrap.getBoundingClientRect();
      const point = (id: string, side: Side): { x: number; y: number } | undefined => {
        const el = boxRefs.current[id];
        if (!el) return undefined;
        const r = el.getBoundingClientRect();
        const x = r.left - origin.left;
        const y = r.top - origin.top;
        switch (side) {
          case 'left':
            return { x, y: y + Math.min(r.height / 2, 28) };
          case 'right':
            return { x: x + r.width, y: y + Math.min(r.height / 2, 28) };
          case 'top':
            return { x: x + r.width / 2, y };
          case 'bottom':
            return { x: x + r.width / 2, y: y + r.height };
        }
      };
      const next: Arrow[] = [];
      for (const link of pipeline.links) {
        const a = grid[link.from];
        const b = grid[link.to];
        if (!a || !b) continue;
        const sides = arrowSides(a, b);
        const p = point(link.from, sides.from);
        const q = point(link.to, sides.to);
        if (!p || !q) continue;
        const d = sides.from === 'right' || sides.from === 'left' ? (p.y === q.y ? `M${p.x},${p.y} L${q.x},${q.y}` : `M${p.x},${p.y} L${q.x},${p.y} L${q.x},${q.y}`) : `M${p.x},${p.y} L${q.x},${q.y}`;
        next.push({ key: `${link.from}>${link.to}`, d, lit: litLinks.has(`${link.from}>${link.to}`) });
      }
      setArrows(next);
      setExtent({ width: wrap.scrollWidth, height: wrap.scrollHeight });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    for (const el of Object.values(boxRefs.current)) if (el) observer.observe(el);
    return () => observer.disconnect();
  }, [pipeline, grid, litLinks]);

  // The diagram is wider than the pane: keep the current step's entry in sight as the trace steps.
  useLayoutEffect(() => {
    if (!currentEntry) return;
    const el = wrapRef.current?.querySelector(`[data-entry="${CSS.escape(currentEntry)}"]`);
    el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [currentEntry]);

  return (
    <div className="pipeline-scroll">
      <div
        ref={wrapRef}
        className="pipeline-grid"
        style={{ gridTemplateColumns: `repeat(${size.cols}, var(--pl-col))`, gridTemplateRows: `repeat(${size.rows}, auto)` }}
        role="group"
        aria-label={`Packet flow, ${pipeline.family}`}
      >
        <svg className="pipeline-arrows" width={extent.width} height={extent.height} aria-hidden="true">
          <defs>
            <marker id="pl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="pl-marker" />
            </marker>
            <marker id="pl-arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="pl-marker lit" />
            </marker>
          </defs>
          {arrows.map((a) => (
            <path key={a.key} d={a.d} className={`pl-arrow${a.lit ? ' lit' : ''}`} markerEnd={a.lit ? 'url(#pl-arrow-lit)' : 'url(#pl-arrow)'} />
          ))}
        </svg>
        {pipeline.stages.map((stage) => {
          const cell = grid[stage.id]!;
          return (
            <StageBox
              key={stage.id}
              stage={stage}
              lit={litStageSet.has(stage.id)}
              litEntries={litEntrySet}
              currentEntry={currentEntry}
              style={{ gridRow: cell.row + 1, gridColumn: cell.col + 1 }}
              refFn={(el) => {
                boxRefs.current[stage.id] = el;
              }}
            />
          );
        })}
      </div>
    </div>
  );
}

function StageBox({
  stage,
  lit,
  litEntries,
  currentEntry,
  style,
  refFn,
}: {
  stage: PipelineStage;
  lit: boolean;
  litEntries: ReadonlySet<string>;
  currentEntry: string | undefined;
  style: React.CSSProperties;
  refFn(el: HTMLElement | null): void;
}) {
  const store = useAppStore();
  const twoLanes = stage.entries.some((e) => laneOf(e) === 'xtables') && stage.entries.some((e) => laneOf(e) === 'nf_tables');
  const chains = stage.entries.filter((e) => e.kind === 'chain').length;
  return (
    <section
      ref={refFn}
      className={`pl-stage kind-${stage.kind}${lit ? ' lit' : ''}${twoLanes ? ' two-lanes' : ''}`}
      style={style}
      aria-label={`${stage.label}${stage.kind === 'hook' ? ` hook, ${chains} ${chains === 1 ? 'chain' : 'chains'}` : ''}`}
      data-stage={stage.id}
      data-lit={lit}
    >
      <h3 className="pl-stage-title">{stage.label}</h3>
      {twoLanes && (
        <div className="pl-lanes-head" aria-hidden="true">
          <span>nf_tables</span>
          <span>xtables (legacy)</span>
        </div>
      )}
      {stage.kind === 'hook' && stage.entries.length === 0 && <p className="pl-empty">no chains</p>}
      <ol className="pl-entries">
        {stage.entries.map((entry) => (
          <EntryRow
            key={entry.id}
            entry={entry}
            lit={litEntries.has(entry.id)}
            current={entry.id === currentEntry}
            onSelect={entry.nodeId ? () => store.getState().selectGraphNode(entry.nodeId!) : undefined}
          />
        ))}
      </ol>
    </section>
  );
}

function EntryRow({ entry, lit, current, onSelect }: { entry: PipelineEntry; lit: boolean; current: boolean; onSelect: (() => void) | undefined }) {
  const lane = laneOf(entry);
  const body = (
    <>
      <span className="pl-priority">{entry.kind === 'routing' ? '' : entry.priorityLabel || String(entry.priority)}</span>
      <span className="pl-label">{entry.label}</span>
      {entry.kind === 'chain' && <span className={`pl-origin origin-${entry.origin ?? 'nft'}`}>{originText(entry)}</span>}
      {entry.policy === 'drop' && <span className="pl-policy">policy drop</span>}
      {entry.viaNatCore && <span className="pl-via">via NAT core</span>}
      {entry.tie && (
        <span className="pl-tie" title="Another entry runs at the same position: the kernel runs them in registration order, which a dump does not show.">
          ⚠ tie
        </span>
      )}
    </>
  );
  return (
    <li className={`pl-entry kind-${entry.kind} lane-${lane}${lit ? ' lit' : ''}${current ? ' current' : ''}${entry.viaNatCore ? ' via-nat' : ''}`} title={entry.detail} data-entry={entry.id} data-lit={lit}>
      {onSelect ? (
        <button type="button" className="pl-entry-button" onClick={onSelect} aria-current={current ? 'step' : undefined}>
          {body}
        </button>
      ) : (
        <div className="pl-entry-body" aria-current={current ? 'step' : undefined}>
          {body}
        </div>
      )}
    </li>
  );
}
