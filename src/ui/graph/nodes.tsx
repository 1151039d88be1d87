// The graph's custom node components, memoised and declared once at module level (`nodeTypes`), as React
// Flow wants. Every label is rendered as text: chain names and comments come from the pasted ruleset and
// may contain HTML. Sizes come from the layout (estimateNodeSize), so what is laid out is what is drawn.
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import type { GraphNodeData, GroupNodeData } from './flowModel.ts';

type DataNode = Node<GraphNodeData>;

/** Invisible connection points: edges leave on the right and arrive on the left (ELK lays out left to right). */
function Ports() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="nf-port" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="nf-port" />
    </>
  );
}

function stateClass(data: GraphNodeData): string {
  return `${data.onPath ? ' on-path' : ''}${data.current ? ' current' : ''}`;
}

export const HookNode = memo(function HookNode({ data }: NodeProps<DataNode>) {
  const { node } = data;
  return (
    <div className={`nf-box nf-hook${node.kind === 'ipvs-hook' ? ' nf-ipvs-hook' : ''}${stateClass(data)}`} data-node-id={node.id} title={node.detail.join('\n') || node.label}>
      <span className="nf-label nf-name">{node.label}</span>
      <Ports />
    </div>
  );
});

export const ChainNode = memo(function ChainNode({ data }: NodeProps<DataNode>) {
  const { node } = data;
  if (node.kind !== 'chain' && node.kind !== 'base-chain') return null;
  const base = node.kind === 'base-chain' ? node.base : undefined;
  return (
    <div
      className={`nf-box nf-chain${base ? ' nf-base' : ''}${base?.policy === 'drop' ? ' policy-drop' : ''}${base?.tie ? ' tie' : ''}${stateClass(data)}`}
      data-node-id={node.id}
      title={node.comment ? `${node.label}\n${node.comment}` : node.label}
    >
      <div className="nf-label">
        {base && <span className="nf-badge nf-badge-hook">{base.hook}</span>}
        <span className="nf-name">{node.label}</span>
      </div>
      {node.detail.map((d, i) => (
        <div key={i} className="nf-detail">
          {d}
        </div>
      ))}
      {node.rules?.map((r) => (
        <div key={r.index} className="nf-rule">
          <span className="nf-rule-index">{r.index + 1}</span> {r.summary}
        </div>
      ))}
      <Ports />
    </div>
  );
});

export const SetNode = memo(function SetNode({ data }: NodeProps<DataNode>) {
  const { node } = data;
  return (
    <div className={`nf-box nf-set nf-${node.kind}${stateClass(data)}`} data-node-id={node.id} title={node.label}>
      <div className="nf-label">
        <span className="nf-name">{node.label}</span>
      </div>
      {node.detail.map((d, i) => (
        <div key={i} className="nf-detail">
          {d}
        </div>
      ))}
      <Ports />
    </div>
  );
});

export const AggregateNode = memo(function AggregateNode({ data }: NodeProps<DataNode>) {
  const { node } = data;
  if (node.kind !== 'aggregate') return null;
  return (
    <div className={`nf-box nf-aggregate${stateClass(data)}`} data-node-id={node.id} title={`${node.sample.join('\n')}${node.count > node.sample.length ? '\n…' : ''}\n\nClick to expand`}>
      <div className="nf-label">
        <span className="nf-expand" aria-hidden="true">
          ⊞
        </span>
        <span className="nf-name">{node.label}</span>
      </div>
      {node.detail.map((d, i) => (
        <div key={i} className="nf-detail">
          {d}
        </div>
      ))}
      <Ports />
    </div>
  );
});

export const OtherNode = memo(function OtherNode({ data }: NodeProps<DataNode>) {
  const { node } = data;
  return (
    <div className={`nf-box nf-other nf-${node.kind}${stateClass(data)}`} data-node-id={node.id} title={node.label}>
      <div className="nf-label">
        <span className="nf-name">{node.label}</span>
      </div>
      {node.detail.map((d, i) => (
        <div key={i} className="nf-detail">
          {d}
        </div>
      ))}
      <Ports />
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data }: NodeProps<Node<GroupNodeData>>) {
  const { group } = data;
  return (
    <div className={`nf-group-box nf-group-box-${group.kind}`}>
      <div className="nf-group-title">
        <span className="nf-name">{group.label}</span>
        {group.detail.length > 0 && <span className="nf-group-detail">{group.detail.join(' · ')}</span>}
      </div>
    </div>
  );
});

export const nodeTypes: NodeTypes = {
  nfHook: HookNode,
  nfChain: ChainNode,
  nfSet: SetNode,
  nfAggregate: AggregateNode,
  nfOther: OtherNode,
  nfGroup: GroupNode,
};
