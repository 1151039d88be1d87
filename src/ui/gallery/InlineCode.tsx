// Text with `code` spans, as the example descriptions are written: the parts between backticks become <code>.
// Rendered as React text nodes, never as HTML.
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd number of backticks leaves the last part unpaired: it stays plain text, backtick included.
  const paired = parts.length % 2 === 1;
  return (
    <>
      {parts.map((part, i) => {
        if (i % 2 === 0) return <span key={i}>{part}</span>;
        return paired || i < parts.length - 1 ? <code key={i}>{part}</code> : <span key={i}>{`\`${part}`}</span>;
      })}
    </>
  );
}
