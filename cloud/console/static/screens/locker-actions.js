import { ApiError, get, post } from '../api.js';
import { errorText } from '../app.js';
import { confirmDialog } from '../dialog.js';
import { known, t } from '../i18n.js';
import { h } from '../view.js';

const WAITING = new Set(['pending', 'sent']);
const POLL_MS = 1000;
const GIVE_UP_MS = 5 * 60_000;

/**
 * Remote open: a reason is required and the operator confirms; the command's result is shown
 * when the locker reports it (a live event makes the page ask at once, polling covers a
 * missed event).
 * @param {import('../app.js').App} app @param {string} lockerId @param {string} cellId
 */
export async function remoteOpen(app, lockerId, cellId) {
  const answer = await confirmDialog({
    title: t('locker.openTitle', { cell: cellId, locker: lockerId }),
    text: t('locker.openText'),
    confirm: t('locker.openConfirm'),
    danger: true,
    fields: [
      { name: 'reason', label: t('locker.reason'), required: true, minLength: 3, type: 'textarea' },
    ],
  });
  if (answer === null) return;
  await act(app, async () => {
    const command = await post(`/v1/operator/lockers/${encodeURIComponent(lockerId)}/remote-open`, {
      cellId,
      reason: answer.reason,
    });
    watchCommand(app, { id: command.id, lockerId, cellId, type: 'remote-open', status: 'pending' });
  });
}

/**
 * A cell out of service (no new bookings) or back in, with a reason.
 * @param {import('../app.js').App} app @param {string} lockerId @param {string} cellId @param {boolean} inService
 */
export async function setService(app, lockerId, cellId, inService) {
  const answer = await confirmDialog({
    title: t(inService ? 'locker.inServiceTitle' : 'locker.outOfServiceTitle', { cell: cellId }),
    confirm: inService ? t('locker.inService') : t('locker.outOfService'),
    fields: [
      { name: 'reason', label: t('locker.reason'), required: true, minLength: 3, type: 'textarea' },
    ],
  });
  if (answer === null) return;
  await act(app, async () => {
    const command = await post(
      `/v1/operator/lockers/${encodeURIComponent(lockerId)}/cells/${encodeURIComponent(cellId)}/service`,
      { inService, reason: answer.reason },
    );
    watchCommand(app, {
      id: command.id,
      lockerId,
      cellId,
      type: 'set-cell-service',
      status: 'pending',
    });
    await app.reload();
  });
}

/** Runs an action; a refusal from the server is shown, not thrown. @param {import('../app.js').App} app @param {() => Promise<void>} fn */
export async function act(app, fn) {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    app.notify(errorText(error), 'error');
  }
}

/**
 * @typedef {{ id: string, lockerId: string, cellId: string, type: string, status: string }} Tracked
 * @param {import('../app.js').App} app @param {Tracked} command
 */
function watchCommand(app, command) {
  app.local.command = command;
  app.render();
  const started = Date.now();
  let asking = false;
  const poll = async () => {
    if (app.local.command?.id !== command.id || asking) return;
    // One chain of polls: a poll asked early by a live event replaces the scheduled one.
    clearTimeout(app.local.commandTimer);
    asking = true;
    const latest = await get(`/v1/operator/commands/${encodeURIComponent(command.id)}`).catch(
      () => null,
    );
    asking = false;
    if (!WAITING.has(app.local.command?.status ?? '')) return;
    if (latest && app.local.command?.id === command.id) {
      const changed = latest.status !== app.local.command.status;
      app.local.command = { ...app.local.command, status: latest.status };
      if (changed && !WAITING.has(latest.status)) {
        app.notify(
          t('locker.commandDone', {
            cell: command.cellId,
            status: known('command', latest.status),
          }),
        );
        await app.reload();
        return;
      }
      if (changed) app.render();
    }
    if (Date.now() - started < GIVE_UP_MS) app.local.commandTimer = setTimeout(poll, POLL_MS);
  };
  clearTimeout(app.local.commandTimer);
  app.local.commandTimer = setTimeout(poll, POLL_MS);
  // A live event about this locker's command answers sooner than the next poll.
  app.local.commandPoll = poll;
}

/** The last command sent from this page and where it stands. @param {import('../app.js').App} app */
export function commandPanel(app) {
  /** @type {Tracked | undefined} */
  const c = app.local.command;
  if (c === undefined || c.lockerId !== app.view.params[0]) return null;
  const waiting = WAITING.has(c.status);
  return h(
    'div.command',
    {
      role: 'status',
      'data-testid': 'command-result',
      'data-status': c.status,
      'aria-busy': waiting ? 'true' : 'false',
    },
    h(
      'strong',
      null,
      t(`locker.command.${c.type === 'remote-open' ? 'open' : 'service'}`, { cell: c.cellId }),
    ),
    ' · ',
    h('span', null, known('command', c.status)),
  );
}
