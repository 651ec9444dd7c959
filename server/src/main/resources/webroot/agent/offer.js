// The offer panel: everything the agent needs to decide, a countdown to the deadline, and an alert that
// is seen (pulsing panel, title) and, where the browser allows sound, heard.
import { attributeRows } from '../shared/attributes.js';
import { $, el, duration } from '../shared/dom.js';

/** @param signal aborted at logout: the buttons then stop answering for this agent (the page lives on for the next) */
export function createOfferPanel({ onAccept, onReject, signal }) {
  const panel = $('#offer');
  let offer = null;
  let ticker = null;

  $('#accept').addEventListener('click', () => offer && onAccept(offer), { signal });
  $('#reject').addEventListener('click', () => offer && onReject(offer), { signal });

  /**
   * @param o the offer event (or one rebuilt after a reconnect); o.deadline is in this browser's clock,
   *          computed from the server's own times so a skewed clock does not shorten the countdown
   */
  function show(o) {
    const isNew = !offer || offer.reservation !== o.reservation;
    offer = o;
    $('#offer-channel').textContent = `${o.channel} for ${o.queue}`;
    const details = $('#offer-details');
    details.replaceChildren(
      el('dt', {}, 'Customer'), el('dd', { id: 'offer-customer' }, o.customerId || 'unknown'),
      el('dt', {}, 'Tier'), el('dd', { class: 'tier' }, o.customerTier || '-'),
      el('dt', {}, 'Waiting'), el('dd', { id: 'offer-wait' }, ''),
      ...attributeRows(o.attributes));
    // a call from Asterisk rings the agent's phone: it is answered there, not with these buttons (the server refuses)
    const onThePhone = o.channel === 'voice' && typeof o.attributes?.voice === 'object';
    $('#accept').hidden = onThePhone;
    $('#reject').hidden = onThePhone;
    $('#offer-phone').hidden = !onThePhone;
    panel.hidden = false;
    panel.dataset.reservation = o.reservation;
    panel.classList.add('alerting');
    document.title = `Incoming ${o.channel} - Switchboard`;
    if (isNew) {
      beep();
      notifyInBackground(`Incoming ${o.channel} for ${o.queue}`, o.customerId ? `customer ${o.customerId}` : '');
    }
    clearInterval(ticker);
    tick();
    ticker = setInterval(tick, 250);
  }

  function tick() {
    if (!offer) return;
    const now = Date.now();
    $('#offer-wait').textContent = duration(offer.waitedMs + (now - offer.receivedAt));
    $('#offer-countdown').textContent = offer.deadline ? `${Math.max(0, Math.ceil((offer.deadline - now) / 1000))} s` : '';
  }

  function hide() {
    offer = null;
    clearInterval(ticker);
    panel.hidden = true;
    panel.classList.remove('alerting');
    delete panel.dataset.reservation;
    document.title = 'Switchboard - agent desktop';
  }

  return { show, hide, current: () => offer };
}

let audio = null;

/** A system notification when the desk is in a background tab (permission was asked at login). */
export function notifyInBackground(title, body) {
  if (!document.hidden || window.Notification?.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: 'switchboard' });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // some browsers allow notifications from service workers only: the tab title still says it
  }
}

/**
 * The page's audio, woken up. A context made before any click or key on the page (a reload that logs in from the
 * session, an offer before any gesture) starts suspended and stays so for the whole shift unless resumed; resume()
 * is allowed once the user touched the page.
 */
function wakeAudio() {
  audio = audio || new AudioContext();
  if (audio.state === 'suspended') audio.resume().catch(() => {}); // refused before a gesture: the next one tries
  return audio;
}

function unlockAudio() {
  try {
    if (wakeAudio().state === 'running') stopUnlocking();
  } catch {
    stopUnlocking(); // no audio in this browser
  }
}

function stopUnlocking() {
  document.removeEventListener('pointerdown', unlockAudio, true);
  document.removeEventListener('keydown', unlockAudio, true);
}
// the first gesture (also the login's) wakes it, so that an offer coming later is heard
document.addEventListener('pointerdown', unlockAudio, true);
document.addEventListener('keydown', unlockAudio, true);

/** Two short tones; browsers allow sound only after the user touched the page (the login counts). */
function beep() {
  try {
    wakeAudio();
    for (const [at, hz] of [[0, 880], [0.25, 660]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = hz;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.18);
    }
  } catch {
    // no audio in this browser: the visual alert stands alone
  }
}
