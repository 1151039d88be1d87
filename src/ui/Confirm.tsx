// Asking before something destructive (replacing an edited workspace): `useConfirm()` returns a function that
// shows a modal question and resolves with the answer. One provider per page.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';

export interface ConfirmRequest {
  title: string;
  message: string;
  /** Label of the button that goes ahead, e.g. "Replace workspace". */
  confirmLabel: string;
}

type Confirm = (request: ConfirmRequest) => Promise<boolean>;

const ConfirmContext = createContext<Confirm | null>(null);

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const resolver = useRef<((answer: boolean) => void) | null>(null);
  const confirm = useCallback<Confirm>(
    (next) =>
      new Promise<boolean>((resolve) => {
        resolver.current?.(false); // a question still open is answered "no"
        resolver.current = resolve;
        setRequest(next);
      }),
    [],
  );
  const answer = (value: boolean): void => {
    resolver.current?.(value);
    resolver.current = null;
    setRequest(null);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Dialog
        open={request !== null}
        title={request?.title ?? ''}
        onClose={() => answer(false)}
        className="confirm-dialog"
        footer={
          <>
            <button type="button" onClick={() => answer(false)} autoFocus>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => answer(true)}>
              {request?.confirmLabel}
            </button>
          </>
        }
      >
        <p>{request?.message}</p>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext);
  if (!confirm) throw new Error('useConfirm outside ConfirmProvider');
  return confirm;
}
