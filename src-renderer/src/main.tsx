// Entry of the dashboard: apply the theme before the first paint, pick the transport, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, useApp } from './state/store';
import { chooseClient } from './client/select';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import './styles/screens.css';

applyTheme(useApp.getState().theme);

const choice = chooseClient();
if ('client' in choice) void useApp.getState().start(choice.client);
else useApp.getState().fail(choice.error);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
