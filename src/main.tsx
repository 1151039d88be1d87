// Browser entry: decides what the page opens with (link, saved session, default example), then mounts the
// React app. Nothing else belongs here.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { preparePageStartup } from './ui/share/startup.ts';
import './ui/app.css';

const root = document.getElementById('root');
if (root) {
  void preparePageStartup().then((startup) =>
    createRoot(root).render(
      <StrictMode>
        <App startup={startup} />
      </StrictMode>,
    ),
  );
}
