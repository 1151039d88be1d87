// Top-level layout of the page.
export function App() {
  return (
    <main>
      <h1>nflens</h1>
    </main>
  );
}
