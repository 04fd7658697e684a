import { code, locked } from './code.js';
import { courierCollect, courierLoad, courierLogin, courierMenu } from './courier.js';
import { done, door } from './door.js';
import { home, rent, send } from './home.js';
import { pay } from './pay.js';
import { rental } from './rental.js';
import { tech, techLogin } from './technician.js';

/**
 * @typedef {object} Screen
 * @property {(app: import('../app.js').App, state: any) => Node} render
 * @property {(app: import('../app.js').App, state: any) => void} [enter]  after the first draw
 * @property {(app: import('../app.js').App, state: any, key: string) => void} [onKey]
 * @property {(app: import('../app.js').App, state: any, text: string) => void} [onScan]
 * @property {(app: import('../app.js').App, state: any, event: import('../live.js').LiveEvent) => void} [onEvent]
 * @property {(app: import('../app.js').App, state: any) => void} [back]  Escape
 * @property {string} [backLabel]  catalogue key of the back button, when it is not "Back"
 */

/** @type {Record<string, Screen>} */
export const SCREENS = {
  home,
  send,
  rent,
  code,
  locked,
  door,
  done,
  pay,
  rental,
  'courier-login': courierLogin,
  'courier-menu': courierMenu,
  'courier-load': courierLoad,
  'courier-collect': courierCollect,
  'tech-login': techLogin,
  tech,
};
