import './styles.css';
import { createApiClient } from './api/client';
import { connect } from './api/transports';
import { AnnotateView } from './annotate/annotate-view';
import { ReviewView } from './annotate/review-view';
import { NewQueueView } from './annotate/new-queue-view';
import { LibraryView } from './library/library-view';
import { NotebookView, notebookRef, preloadNotebookEditor } from './notebook';
import { DatasetsView } from './datasets/datasets-view';
import { h } from './shell/dom';
import type { View } from './shell/view';
import type { LabApi } from '../../main/api';

/** The app shell: a top bar with the screens, and a hash router that mounts one view at a time. */
const api: LabApi = createApiClient(connect());

type Route = { name: string; label: string; make: (params: URLSearchParams) => View; inNav?: boolean };
const routes: Route[] = [
  { name: 'library', label: 'Library', make: () => new LibraryView(api) },
  { name: 'notebook', label: 'Notebook', make: (p) => new NotebookView(api, notebookRef(p)), inNav: false },
  { name: 'datasets', label: 'Datasets', make: (params) => new DatasetsView(api, params) },
  { name: 'annotate', label: 'Annotate', make: (p) => new AnnotateView(api, p) },
  { name: 'review', label: 'Review', make: (p) => new ReviewView(api, p) },
  { name: 'new-queue', label: 'New queue', make: (p) => new NewQueueView(api, p), inNav: false },
];

const main = h('main', { id: 'view', tabindex: '-1' });
const nav = h('nav', { 'aria-label': 'Screens' });
const status = h('span', { class: 'app-status muted' });
document.getElementById('app')!.append(h('div', { class: 'topbar' }, h('span', { class: 'brand' }, 'mlsys-lab'), nav, status), main);

let current: View | undefined;

let shownHash = '';
async function show(): Promise<void> {
  // a view with unsaved work that nothing will save may ask to stay
  if (current?.canLeave && location.hash !== shownHash && !current.canLeave()) {
    history.replaceState(null, '', shownHash || '#/');
    return;
  }
  shownHash = location.hash;
  const [name, query] = location.hash.replace(/^#\/?/, '').split('?');
  const route = routes.find((r) => r.name === name) ?? routes[0];
  current?.dispose();
  main.replaceChildren();
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.route === route.name);
  current = route.make(new URLSearchParams(query ?? ''));
  document.title = `${current.title} · mlsys-lab`;
  try {
    await current.mount(main);
  } catch (err) {
    main.append(h('div', { class: 'problem', role: 'alert' }, `Could not open ${route.label}: ${(err as Error).message}`));
  }
}

nav.append(...routes.filter((r) => r.inNav !== false).map((r) => h('a', { href: `#/${r.name}`, 'data-route': r.name }, r.label)));
window.addEventListener('hashchange', () => void show());
document.addEventListener('mlsys-lab:disconnected', () => {
  status.textContent = 'Disconnected from mlsys-lab. Restart it with npm start, then reload.';
  status.classList.add('error');
});
void api.app.info().then((info) => {
  status.textContent = `${info.mode === 'electron' ? 'Desktop' : 'Browser mode'} · v${info.version}`;
});
void show().then(preloadNotebookEditor);
