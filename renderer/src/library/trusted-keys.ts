import type { LabApi, TrustedKey } from '../../../main/api';
import { h } from '../shell/dom';

/**
 * The trusted signing keys, as a collapsed panel under the library's header: packs signed by one
 * of these keys run without asking. An instructor hands out a `.pub` line before the workshop;
 * the attendee pastes it here.
 */
export function trustedKeysPanel(api: LabApi): { element: HTMLElement; refresh(): Promise<void> } {
  const list = h('ul', { class: 'key-list', 'aria-label': 'Trusted keys' });
  const input = h('input', { type: 'text', id: 'add-key', placeholder: 'ed25519:… (from your instructor’s .pub file)', spellcheck: 'false', autocomplete: 'off' });
  const name = h('input', { type: 'text', id: 'add-key-name', placeholder: 'Whose key (e.g. your instructor)', autocomplete: 'off' });
  const add = h('button', { type: 'submit' }, 'Trust this key');
  const error = h('div', { role: 'alert', class: 'key-error' });
  const summary = h('summary', {}, 'Trusted signing keys');
  const form = h('form', { class: 'add-key' }, h('label', { for: 'add-key' }, 'Add a key'), input, name, add);
  const element = h(
    'details',
    { class: 'trusted-keys' },
    summary,
    h('p', { class: 'muted' }, 'Packs signed by these keys run without asking. Add only keys you got from someone you trust, such as your instructor.'),
    list,
    form,
    error,
  );

  const row = (k: TrustedKey) => {
    const remove = h('button', { type: 'button', class: 'remove-key', 'aria-label': `Stop trusting ${k.name}` }, 'Remove');
    remove.addEventListener('click', async () => {
      await api.packs.removeTrustedKey(k.keyId);
      await refresh();
    });
    return h('li', { 'data-key-id': k.keyId }, h('strong', {}, k.name), h('code', {}, k.keyId), h('span', { class: 'muted' }, `added ${k.addedAt.slice(0, 10)}`), remove);
  };
  const refresh = async () => {
    const keys = await api.packs.trustedKeys();
    summary.textContent = `Trusted signing keys (${keys.length})`;
    list.replaceChildren(...(keys.length ? keys.map(row) : [h('li', { class: 'muted' }, 'None yet.')]));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      await api.packs.addTrustedKey(input.value, name.value);
      input.value = '';
      name.value = '';
      await refresh();
    } catch (err) {
      error.replaceChildren(h('div', { class: 'problem' }, (err as Error).message));
    }
  });
  return { element, refresh };
}
