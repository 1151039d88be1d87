// The examples gallery: every example of the catalogue with what it teaches, its sources and the packets it
// suggests. Opening one replaces the workspace (asking first when that would lose edits) and puts its packets
// in the store for the tracer, the chosen one (or the first) under trace.
import { EXAMPLES, type Example } from '../../examples/index.ts';
import { FORMAT_LABEL } from '../../store/sourceNames.ts';
import { useConfirm } from '../Confirm.tsx';
import { Dialog } from '../Dialog.tsx';
import { useApp, useAppStore } from '../appStoreContext.tsx';
import { loadExample, mayReplaceWorkspace } from '../workspaceActions.ts';
import { InlineCode } from './InlineCode.tsx';

export function GalleryDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog open={open} title="Examples" onClose={onClose} className="gallery-dialog">
      <GalleryBody onClose={onClose} />
    </Dialog>
  );
}

function GalleryBody({ onClose }: { onClose(): void }) {
  const store = useAppStore();
  const confirm = useConfirm();
  const loaded = useApp((s) => (s.origin.kind === 'example' ? s.origin.exampleId : undefined));

  const open = async (example: Example, packetIndex = 0): Promise<void> => {
    if (!(await mayReplaceWorkspace(store, confirm, `the example “${example.title}”`))) return;
    loadExample(store, example, packetIndex);
    onClose();
  };

  return (
    <>
      <p className="gallery-intro">
        Real dumps, each loaded into the kernel with the real tools, with packets to trace. Opening one replaces the workspace.
      </p>
      <ul className="gallery-list">
        {EXAMPLES.map((example) => (
          <li key={example.id}>
            <article className={`example-card${loaded === example.id ? ' loaded' : ''}`} aria-labelledby={`example-${example.id}`}>
              <header className="example-header">
                <h3 id={`example-${example.id}`}>{example.title}</h3>
                {loaded === example.id && <span className="badge">loaded</span>}
                <button type="button" className="primary" onClick={() => void open(example)} aria-label={`Open ${example.title}`}>
                  Open
                </button>
              </header>
              <p className="example-description">
                <InlineCode text={example.description} />
              </p>
              <p className="example-sources">
                <span className="caption">Sources:</span>{' '}
                {example.sources.map((s, i) => (
                  <span key={s.name}>
                    {i > 0 && ', '}
                    <code>{s.name}</code>
                    {s.name !== FORMAT_LABEL[s.format] && ` (${FORMAT_LABEL[s.format]})`} · {lineCount(s.text)} lines
                  </span>
                ))}
              </p>
              <div className="example-packets">
                <span className="caption">Packets to trace:</span>
                <ol>
                  {example.packets.map((p, i) => (
                    <li key={p.text}>
                      <code className="packet-text">{p.text}</code>
                      <span className="packet-expect">
                        <InlineCode text={p.expect} />
                      </span>
                      <button type="button" onClick={() => void open(example, i)} aria-label={`Open ${example.title} with packet ${i + 1}`}>
                        Open with this packet
                      </button>
                    </li>
                  ))}
                </ol>
              </div>
            </article>
          </li>
        ))}
      </ul>
    </>
  );
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') || text === '' ? n : n + 1;
}
