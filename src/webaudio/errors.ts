/** DOMException constructors for the error names Web Audio uses. */
export function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}
export function indexSize(message: string): DOMException {
  return new DOMException(message, 'IndexSizeError');
}
export function invalidState(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}
export function invalidAccess(message: string): DOMException {
  return new DOMException(message, 'InvalidAccessError');
}
export function notAllowed(message: string): DOMException {
  return new DOMException(message, 'NotAllowedError');
}
export function encodingError(message: string): DOMException {
  return new DOMException(message, 'EncodingError');
}
