import type { LabApi, PackTrustInfo } from '../../../main/api';
import { h } from '../shell/dom';

/**
 * Asks before a restricted pack may run code, as VS Code's workspace trust and Jupyter's
 * notebook trust do: it says who vouches for the pack (nobody, or a key the user has not
 * trusted) and what trusting means. Cancel is the default. Resolves to whether the pack is now trusted.
 */
export function confirmTrust(api: LabApi, info: PackTrustInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const alsoKey = h('input', { type: 'checkbox', id: 'trust-key' });
    const who =
      info.reason === 'unknown-key'
        ? `It is signed by key ${info.signerKeyId}, which is not in your trusted keys.`
        : 'It is not signed, so nobody vouches for where it came from or that it is unchanged.';
    const trustBtn = h('button', { class: 'primary', type: 'button' }, 'Trust and allow cells to run');
    const cancelBtn = h('button', { type: 'button', autofocus: true }, 'Cancel');
    const dialog = h(
      'dialog',
      { class: 'trust-dialog', 'aria-labelledby': 'trust-title' },
      h('h2', { id: 'trust-title' }, `Trust “${info.title}”?`),
      h('p', {}, who),
      h('p', {}, 'A trusted pack’s cells run as code on this computer, with access to your files. Until you trust it, you can read its notebooks, but no cell runs. Trust only packs from someone you know, such as your instructor.'),
      info.reason === 'unknown-key' && info.signerPublicKey
        ? h('p', { class: 'trust-key-option' }, alsoKey, h('label', { for: 'trust-key' }, ` Also trust every pack signed by key ${info.signerKeyId}`))
        : null,
      h('div', { class: 'dialog-actions' }, cancelBtn, trustBtn),
    );
    const close = (trusted: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(trusted);
    };
    cancelBtn.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', () => close(false));
    trustBtn.addEventListener('click', async () => {
      trustBtn.disabled = true;
      try {
        if (alsoKey.checked && info.signerPublicKey) await api.packs.addTrustedKey(info.signerPublicKey, info.title);
        else await api.packs.trust(info.id);
        close(true);
      } catch (err) {
        trustBtn.disabled = false;
        dialog.append(h('div', { class: 'problem', role: 'alert' }, `Could not trust the pack: ${(err as Error).message}`));
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    cancelBtn.focus();
  });
}
