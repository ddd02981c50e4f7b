import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setCredentials } from './api/client.js';
import { App } from './app/App.js';
import { loadBranding } from './branding/branding.js';
import { initI18n } from './i18n/i18n.js';
import './styles.css';
import './trust.css';

await initI18n();
const branding = await loadBranding();
if (branding) setCredentials({ tenantId: branding.tenantId });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
