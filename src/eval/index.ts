// Public surface of the packet evaluator: evaluate a packet against a workspace, parse the packet syntax,
// and view the resulting trace. Imports eval modules only.
export { evaluate, evaluateBranches, type EvalOptions } from './evaluate.ts';
export { parsePacket } from './packetParse.ts';
export { makePacket, formatPacket, type Packet, type PacketCt, type CtStateName } from './packet.ts';
export { parseHostSpec, type Host, type HostSpecParsed } from './host.ts';
export { projectToKernel, formatNftMonitor, formatTrace, formatTree, formatStep, formatFate, kernelVerdict, type KernelProjection, type KernelStep } from './format.ts';
export { massOf } from './choices.ts';
export type * from './trace.ts';
export type { EvalInput } from './prepare.ts';
