export * from './crc16.ts';
export { expectedFrameLength, type FrameDirection } from './frame-length.ts';
export * from './frames.ts';
export { decodeRequest, encodeRequest } from './request-codec.ts';
export { decodeResponse, encodeResponse } from './response-codec.ts';
