import QRCode from 'qrcode';

/** The SBP payment link as an SVG QR for the screen, drawn on the locker (no network needed). */
export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
