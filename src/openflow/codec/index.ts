/*
 * The OpenFlow wire codec's public surface: message model, decode / encode entry points,
 * the stream framer, error names, and the match and action codecs for tools and tests.
 */

export * from './messages.js';
export {
  decodeMessage,
  encodeErrorReply,
  encodeHelloError,
  encodeMessage,
  encodeMessages,
  peekHeader,
  toOfpErr,
  MAX_VERSION,
  type DecodeOptions,
  type EncodeOptions,
} from './message.js';
export { OfFramer, isFramerError, parseHeader, type OfFramerError, type OfHeader } from './header.js';
export * from './constants.js';
export { isOfperrName, ofperrCategory, ofperrDecode, ofperrTriplet, type ErrTriplet } from './ofperr.js';
export { decodeActionsBytes, encodeActionsBytes } from './actions.js';
export { makeFlowModMsg, isOf10Expressible } from './flow-mod.js';
export { makePacketOut } from './packet.js';
export { isSelectionMaskValid, sortSelectionFields, NTR_MAX_SELECTION_METHOD_LEN } from './group-props.js';
