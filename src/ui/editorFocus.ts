// Lets other parts of the page put the keyboard focus into the editor (after "New source"), without holding a
// reference to the lazily loaded Monaco instance.
let handler: (() => void) | undefined;

/** The editor registers itself; the returned function unregisters it. */
export function onEditorFocusRequest(focus: () => void): () => void {
  handler = focus;
  return () => {
    if (handler === focus) handler = undefined;
  };
}

/** Focuses the editor once it has shown the active source. */
export function requestEditorFocus(): void {
  // After React has rendered the change that asked for it (the editor switches models in a store listener).
  setTimeout(() => handler?.(), 0);
}
