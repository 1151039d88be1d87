// Message catalogue of the workspace checks (src/parse/workspace.ts): stable codes SRC2xxx. Pure data;
// imports nothing.

export const WSP = {
  managedByIptablesNft: (table: string, tool: string) => ({
    code: 'SRC2001',
    message: `table ${table} is managed by iptables-nft; edit it with ${tool}, not nft`,
  }),
  legacyAndNftSameHook: (hook: string, legacy: string, nft: string) => ({
    code: 'SRC2002',
    message:
      `both iptables-legacy and nf_tables hook ${hook}: ${legacy} and ${nft} both run on every packet there, ` +
      `so a DROP in either drops it, and neither tool's listing shows the other's rules`,
  }),
  legacyTablesElsewhere: (hooks: string) => ({
    code: 'SRC2003',
    message:
      `iptables-legacy tables are present (iptables-nft-save says so) besides the nf_tables rules on ${hooks}: ` +
      `both run, a DROP in either drops the packet; add the output of iptables-legacy-save to see them`,
  }),
  missingChain: (verdict: string, chain: string, table: string, suggestion: string | undefined) => ({
    code: 'SRC2004',
    message: `${verdict} to chain '${chain}', which table ${table} does not have${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
  }),
  missingSet: (set: string, table: string, suggestion: string | undefined) => ({
    code: 'SRC2005',
    message: `set @${set} is not defined in table ${table}${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
  }),
  missingIpset: (set: string, haveIpsetSource: boolean) => ({
    code: 'SRC2006',
    message: haveIpsetSource
      ? `ipset '${set}' is used here but no ipset source defines it`
      : `ipset '${set}' is used here but no source defines it: add the output of 'ipset save'`,
  }),
} as const;
