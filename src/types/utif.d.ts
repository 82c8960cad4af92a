declare module 'utif' {
  interface Ifd {
    width: number;
    height: number;
    data: Uint8Array;
    [tag: string]: unknown;
  }
  export function decode(buffer: ArrayBuffer | Uint8Array): Ifd[];
  export function decodeImage(buffer: ArrayBuffer | Uint8Array, ifd: Ifd): void;
  const UTIF: { decode: typeof decode; decodeImage: typeof decodeImage };
  export default UTIF;
}
